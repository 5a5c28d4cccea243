# Tavolo: `make run` starts the board, `make test` runs every test.
GO      ?= go
NPM     ?= npm
BIN     := tmp/tavolo

.PHONY: run demo test test-go test-client lint check-dist check-api-types api-types e2e client build bench-ws bench-rooms bench-forum clean

run:
	$(GO) run ./server

demo:
	$(GO) run ./server -demo

# Every test: the client's lint, Go (race detector, real embedded FerretDB), the client's unit
# tests, the committed client build, and end-to-end tests in Chromium.
test: lint test-go test-client check-api-types check-dist e2e

test-go:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...
	# The race detector cuts the rooms' unread model test to 500 steps; its
	# 10,000 run here without it.
	$(GO) test -count=1 -timeout 20m -run '^TestUnreadMatchesModel$$' ./server/internal/rooms/

client/node_modules: client/package-lock.json
	cd client && $(NPM) ci --no-audit --no-fund
	@touch client/node_modules

# The client's ESLint rules (client/eslint.config.js), warnings included.
lint: client/node_modules
	cd client && $(NPM) run lint

client: client/node_modules
	cd client && $(NPM) run build

# The client's API types are generated from the contract; CI fails when the
# committed ones differ from what the contract gives.
API_SPEC := server/internal/web/openapi/openapi.yaml
API_TYPES := client/src/api/schema.d.ts

api-types: client/node_modules
	cd client && npx openapi-typescript ../$(API_SPEC) -o ../$(API_TYPES)

check-api-types: api-types
	@git diff --exit-code --stat -- $(API_TYPES) || (echo "$(API_TYPES) differs from $(API_SPEC): run make api-types and commit" && exit 1)
	@test -z "$$(git status --porcelain -- $(API_TYPES))" || (echo "$(API_TYPES) is not committed: run make api-types and commit"; exit 1)

test-client: client/node_modules
	cd client && $(NPM) test

# CI rebuilds the client and fails if it differs from what is committed.
check-dist: client
	@git diff --exit-code --stat -- client/dist || (echo "client/dist differs from the sources: run make client and commit" && exit 1)
	@test -z "$$(git status --porcelain -- client/dist)" || (git status --porcelain -- client/dist; echo "client/dist has uncommitted files: run make client and commit"; exit 1)

build:
	@mkdir -p tmp
	$(GO) build -o $(BIN) ./server

e2e: build client/node_modules
	cd client && TAVOLO_BIN=../$(BIN) node --test --test-concurrency=1 e2e/

bench-ws:
	$(GO) run ./server/cmd/wsload -mode both

# The rooms scenarios of issue 9 (README, "Rooms"); several minutes, most of
# it creating 5,000 people and 50,000 messages of history.
bench-rooms:
	$(GO) run ./server/cmd/wsload -rooms 1x1000 -rate 75 -duration 20s
	$(GO) run ./server/cmd/wsload -rooms 1x5000 -rate 10 -duration 20s
	$(GO) run ./server/cmd/wsload -rooms 40x50 -rate 200 -duration 20s
	$(GO) run ./server/cmd/wsload -rooms 1x100 -rate 10 -duration 5s -history 50000 -pages 500
	$(GO) run ./server/cmd/wsload -rooms 1x10000 -idle 10000 -people 1000

bench-forum:
	$(GO) run ./server/cmd/forumbench

clean:
	rm -rf tmp

# syntax=docker/dockerfile:1
# 1. Build the client.
FROM node:20-bookworm-slim AS client
WORKDIR /src/client
COPY client/package.json client/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY client/ ./
RUN npm run build

# 2. Build the server (pure Go: the embedded FerretDB uses a pure-Go SQLite).
FROM golang:1.26-bookworm AS server
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY config/ config/
COPY server/ server/
COPY client/embed.go client/embed.go
COPY --from=client /src/client/dist client/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tavolo ./server \
 && mkdir -p /out/data

# 3. Run as non-root on a minimal image, data on a volume.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=server /out/tavolo /usr/local/bin/tavolo
COPY --from=server --chown=65532:65532 /out/data /data
ENV TAVOLO_ADDR=0.0.0.0:8080 \
    TAVOLO_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/tavolo"]

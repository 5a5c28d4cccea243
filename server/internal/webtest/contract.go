package webtest

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/cantieri/tavolo/server/internal/web/openapi"
)

// Contract is the API's OpenAPI document, loaded and checked once.
var Contract = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.YAML)
	if err != nil {
		return nil, fmt.Errorf("load openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	return doc, nil
})

var contractRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := Contract()
	if err != nil {
		return nil, err
	}
	return gorillamux.NewRouter(doc)
})

// ContractCounts are how many responses were checked against the contract:
// by their operation's schema, or (for routes the API does not serve) as an
// error body; and how many request bodies against their operation's.
var ContractCounts struct {
	Operations, Unrouted, Requests atomic.Int64
}

// schemas compiles the contract's schemas once each, found by their JSON
// pointer in the document (kin-openapi's own validation compiles a schema
// on every call, too slow for every response of every scenario test).
var schemas = sync.OnceValues(func() (*schemaCache, error) {
	data, err := openapi.JSON()
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(contractURL, doc); err != nil {
		return nil, err
	}
	return &schemaCache{compiler: c, compiled: map[string]*jsonschema.Schema{}}, nil
})

const contractURL = "https://tavolo.invalid/openapi.json"

type schemaCache struct {
	mu       sync.Mutex
	compiler *jsonschema.Compiler
	compiled map[string]*jsonschema.Schema
}

// validate checks body against the schema at pointer (a JSON pointer into the document).
func (c *schemaCache) validate(pointer string, body []byte) error {
	c.mu.Lock()
	sch, ok := c.compiled[pointer]
	if !ok {
		var err error
		if sch, err = c.compiler.Compile(contractURL + "#" + pointer); err != nil {
			c.mu.Unlock()
			return fmt.Errorf("compile %s: %w", pointer, err)
		}
		c.compiled[pointer] = sch
	}
	c.mu.Unlock()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	return sch.Validate(v)
}

// pointerPart escapes a JSON pointer segment.
func pointerPart(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// contractRoute finds req's operation in the contract, with the compiled
// schemas. For a request outside /api/ or a contract that does not load,
// cache is nil (err says why, if anything went wrong); for a route the
// contract does not describe, err is the router's and cache is set.
func contractRoute(req *http.Request) (*routers.Route, *schemaCache, error) {
	if !strings.HasPrefix(req.URL.Path, "/api/") {
		return nil, nil, nil
	}
	router, err := contractRouter()
	if err != nil {
		return nil, nil, err
	}
	cache, err := schemas()
	if err != nil {
		return nil, nil, err
	}
	route, _, err := router.FindRoute(req)
	return route, cache, err
}

// checkContract validates a response from /api/v1 against the contract:
// the described operation's response for its status (or its default), or
// for a path or method the API does not serve, an error status with a
// Problem body. Bodies that are not JSON (attachments) or still compressed
// are checked by status and content type only.
func checkContract(req *http.Request, res *http.Response, body []byte) error {
	route, cache, err := contractRoute(req)
	if cache == nil {
		return err
	}
	if err != nil {
		ContractCounts.Unrouted.Add(1)
		if res.StatusCode < 400 {
			return fmt.Errorf("%s %s answered %d but the contract does not describe it", req.Method, req.URL.Path, res.StatusCode)
		}
		return checkBody(cache, "/components/schemas/Problem", req, res, body)
	}
	ContractCounts.Operations.Add(1)
	status := strconv.Itoa(res.StatusCode)
	described := route.Operation.Responses.Value(status)
	if described == nil {
		status = "default"
		described = route.Operation.Responses.Default()
	}
	if described == nil || described.Value == nil {
		return fmt.Errorf("%s %s answered %d, a status the contract does not describe", req.Method, req.URL.Path, res.StatusCode)
	}
	content := described.Value.Content
	if len(content) == 0 {
		if len(body) > 0 {
			return fmt.Errorf("%s %s answered %d with a body the contract does not describe: %.200s", req.Method, req.URL.Path, res.StatusCode, body)
		}
		return nil
	}
	mediaType := "application/json"
	if !isJSON(res) {
		if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); content.Get(mt) == nil {
			return fmt.Errorf("%s %s answered %d as %q, a content type the contract does not describe", req.Method, req.URL.Path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		return nil
	}
	if content[mediaType] == nil {
		return fmt.Errorf("%s %s answered %d with JSON, which the contract does not describe", req.Method, req.URL.Path, res.StatusCode)
	}
	pointer := "/paths/" + pointerPart(route.Path) + "/" + strings.ToLower(route.Method) +
		"/responses/" + status + "/content/" + pointerPart(mediaType) + "/schema"
	if described.Ref != "" { // a shared response: validate against it where it is written
		pointer = strings.TrimPrefix(described.Ref, "#") + "/content/" + pointerPart(mediaType) + "/schema"
	}
	return checkBody(cache, pointer, req, res, body)
}

// checkRequest validates a JSON body sent to /api/v1 against its
// operation's requestBody, so that a test cannot pass by sending something
// the contract does not describe. A route the contract does not describe
// is left to the check of its answer.
func checkRequest(req *http.Request, body []byte) error {
	route, cache, err := contractRoute(req)
	if cache == nil {
		return err
	}
	if err != nil {
		return nil // a route the contract does not describe: its answer is checked
	}
	const mediaType = "application/json"
	rb := route.Operation.RequestBody
	if rb == nil || rb.Value == nil || rb.Value.Content.Get(mediaType) == nil {
		return fmt.Errorf("%s %s sends a JSON body, which the contract does not describe: %.200s", req.Method, req.URL.Path, body)
	}
	ContractCounts.Requests.Add(1)
	pointer := "/paths/" + pointerPart(route.Path) + "/" + strings.ToLower(route.Method) +
		"/requestBody/content/" + pointerPart(mediaType) + "/schema"
	if rb.Ref != "" { // a shared request body: validate against it where it is written
		pointer = strings.TrimPrefix(rb.Ref, "#") + "/content/" + pointerPart(mediaType) + "/schema"
	}
	if err := cache.validate(pointer, body); err != nil {
		return fmt.Errorf("%s %s sends a body against the contract (%s): %w\nbody: %.2000s", req.Method, req.URL.Path, pointer, err, body)
	}
	return nil
}

// checkBody validates a JSON body against the schema at pointer.
func checkBody(cache *schemaCache, pointer string, req *http.Request, res *http.Response, body []byte) error {
	if !isJSON(res) || res.Header.Get("Content-Encoding") != "" {
		return nil
	}
	if err := cache.validate(pointer, body); err != nil {
		return fmt.Errorf("%s %s answered %d against the contract (%s): %w\nbody: %.2000s", req.Method, req.URL.Path, res.StatusCode, pointer, err, body)
	}
	return nil
}

func isJSON(res *http.Response) bool {
	return strings.HasPrefix(res.Header.Get("Content-Type"), "application/json")
}

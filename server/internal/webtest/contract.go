package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

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
// error body.
var ContractCounts struct {
	Operations, Unrouted atomic.Int64
}

// checkContract validates a response from /api/v1 against the contract:
// the described operation's response, or for a path or method the API does
// not serve, an error status with a Problem body. Bodies that are not JSON
// (attachments) or still compressed are checked by status only.
func checkContract(req *http.Request, res *http.Response, body []byte) error {
	if !strings.HasPrefix(req.URL.Path, "/api/") {
		return nil
	}
	router, err := contractRouter()
	if err != nil {
		return err
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		ContractCounts.Unrouted.Add(1)
		return checkProblem(res, body)
	}
	ContractCounts.Operations.Add(1)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			ExcludeResponseBody:   !isJSON(res) || res.Header.Get("Content-Encoding") != "",
		},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s answered %d against the contract: %w\nbody: %.2000s", req.Method, req.URL.Path, res.StatusCode, err, body)
	}
	return nil
}

// checkProblem: what the API does not serve must be an error with a Problem body.
func checkProblem(res *http.Response, body []byte) error {
	if res.StatusCode < 400 {
		return fmt.Errorf("%s %s answered %d but the contract does not describe it", res.Request.Method, res.Request.URL.Path, res.StatusCode)
	}
	if !isJSON(res) || res.Header.Get("Content-Encoding") != "" {
		return nil
	}
	doc, err := Contract()
	if err != nil {
		return err
	}
	schema := doc.Components.Schemas["Problem"].Value
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("%s %s: error body is not JSON: %w", res.Request.Method, res.Request.URL.Path, err)
	}
	if err := schema.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		return fmt.Errorf("%s %s answered %d with a body that is not a Problem: %w", res.Request.Method, res.Request.URL.Path, res.StatusCode, err)
	}
	return nil
}

func isJSON(res *http.Response) bool {
	return strings.HasPrefix(res.Header.Get("Content-Type"), "application/json")
}

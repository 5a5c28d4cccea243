// Package openapi holds the contract of the JSON API: openapi.yaml, the
// maintained source, embedded in the binary and served as JSON.
package openapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"gopkg.in/yaml.v3"
)

// YAML is the OpenAPI 3.1 document as written.
//
//go:embed openapi.yaml
var YAML []byte

// JSON is the document converted to JSON once, for GET /api/v1/openapi.json.
var JSON = sync.OnceValues(func() ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(YAML, &doc); err != nil {
		return nil, fmt.Errorf("parse openapi.yaml: %w", err)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode openapi.yaml as JSON: %w", err)
	}
	return data, nil
})

package web_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/cantieri/tavolo/server/internal/webtest"
)

// TestMain reports how many responses the scenario tests checked against
// the API contract (webtest validates each one as it arrives).
func TestMain(m *testing.M) {
	code := m.Run()
	fmt.Printf("openapi contract: %d responses validated against their operation, %d answers to unserved routes validated as problems, %d request bodies validated against their operation\n",
		webtest.ContractCounts.Operations.Load(), webtest.ContractCounts.Unrouted.Load(), webtest.ContractCounts.Requests.Load())
	os.Exit(code)
}

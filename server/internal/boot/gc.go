package boot

import (
	"os"
	"runtime/debug"
)

// gcPercent is the board's GOGC. Its caches (thread pages, listings,
// sessions) are most of the live heap, and Go's default of 100 lets the
// heap grow to twice them before collecting: forumbench peaked at ~200 MiB
// resident. At 60 it peaks at ~160 MiB for ~15% of the cached pages'
// throughput, which stays several times the target.
const gcPercent = 60

// TuneGC sets the board's GOGC unless the GOGC environment variable does
// (GOMEMLIMIT is left to the runtime). The server and the benchmarks'
// servers call it once at start-up.
func TuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
}

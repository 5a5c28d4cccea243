// Package benchstat holds the small statistics the benchmark commands
// (wsload, forumbench) share: nearest-rank percentiles and a process's
// resident memory.
package benchstat

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Percentile returns the p-th percentile (0 < p <= 100) of sorted, read as
// nanoseconds, by the nearest-rank method: the value at rank ceil(p/100*n).
// It returns 0 for an empty slice; p <= 0 gives the minimum, p >= 100 the
// maximum.
func Percentile[T ~int64](sorted []T, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	return time.Duration(sorted[min(max(rank, 1), n)-1])
}

// RSS returns the resident set size (VmRSS) of process pid in bytes, or 0
// when it cannot be read (no /proc, process gone).
func RSS(pid int) int64 {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

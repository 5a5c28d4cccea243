package benchstat

import (
	"os"
	"runtime"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ten := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tc := range []struct {
		name   string
		sorted []int64
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"single p50", []int64{7}, 50, 7},
		{"single p99", []int64{7}, 99, 7},
		{"p0 is min", ten, 0, 1},
		{"p10", ten, 10, 1},
		{"p50", ten, 50, 5},
		{"p51", ten, 51, 6},
		{"p95", ten, 95, 10},
		{"p100 is max", ten, 100, 10},
		{"over 100 clamps", ten, 150, 10},
		{"p99 of 100", seq(100), 99, 99},
		{"p50 of 5", []int64{10, 20, 30, 40, 50}, 50, 30},
	} {
		if got := Percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("%s: Percentile(p=%v) = %v, want %v", tc.name, tc.p, got, tc.want)
		}
	}
	if got := Percentile([]time.Duration{time.Millisecond, time.Second}, 50); got != time.Millisecond {
		t.Errorf("Duration p50 = %v, want 1ms", got)
	}
}

func seq(n int) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = int64(i + 1)
	}
	return s
}

func TestRSS(t *testing.T) {
	if RSS(-1) != 0 {
		t.Errorf("RSS(-1) should be 0")
	}
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc")
	}
	if got := RSS(os.Getpid()); got <= 0 || got%1024 != 0 {
		t.Errorf("RSS(self) = %d, want a positive multiple of 1024", got)
	}
}

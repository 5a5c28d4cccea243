package ratelimit

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1000, 0)
	l := New(3, time.Minute)
	l.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("attempt %d refused", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 20*time.Second {
		t.Fatalf("4th attempt: ok=%v wait=%v, want refused for 20s", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("other key refused")
	}
	if blocked, _ := l.Blocked("a"); !blocked {
		t.Fatal("Blocked should report an empty bucket")
	}
	now = now.Add(20 * time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refilled token refused")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("only one token should have refilled")
	}
	now = now.Add(time.Hour)
	l.Blocked("c") // triggers a sweep
	if len(l.buckets) != 1 {
		t.Fatalf("sweep kept %d buckets, want only c", len(l.buckets))
	}
}

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
	l.Refund("a")
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refunded token refused")
	}
	for i := 0; i < 5; i++ {
		l.Refund("b") // never above the burst
	}
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("b"); !ok {
			t.Fatalf("b attempt %d refused", i)
		}
	}
	if ok, _ := l.Allow("b"); ok {
		t.Fatal("refunds raised b above its burst of 3")
	}
	now = now.Add(20 * time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refilled token refused")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("only one token should have refilled")
	}
	now = now.Add(time.Hour)
	l.Allow("c") // triggers a sweep
	if len(l.buckets) != 1 {
		t.Fatalf("sweep kept %d buckets, want only c", len(l.buckets))
	}
}

package worker

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Everything sent before Close is drained, in order; sends after it are
// refused; a full queue blocks a send until its context ends.
func TestQueue(t *testing.T) {
	var got []int
	release := make(chan struct{})
	q := Start(2, func(ch <-chan int) {
		<-release
		for v := range ch {
			got = append(got, v)
		}
	})
	ctx := context.Background()
	for i := 1; i <= 2; i++ {
		if err := q.Send(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := q.Send(short, 3); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("send to a full queue: %v, want the context's deadline", err)
	}
	close(release)
	q.Close()
	if len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("drained %v, want [1 2]", got)
	}
	if err := q.Send(ctx, 4); !errors.Is(err, ErrClosed) {
		t.Fatalf("send after Close: %v", err)
	}
	q.Close() // twice is harmless
}

func TestFlush(t *testing.T) {
	type item struct {
		n    int
		done chan struct{}
	}
	var got []int
	q := Start(4, func(ch <-chan item) {
		for v := range ch {
			if v.done != nil {
				close(v.done)
				continue
			}
			got = append(got, v.n)
		}
	})
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		if err := q.Send(ctx, item{n: i}); err != nil {
			t.Fatal(err)
		}
	}
	mark := func(done chan struct{}) item { return item{done: done} }
	if err := q.Flush(ctx, mark); err != nil {
		t.Fatalf("flush: %v", err)
	}
	if len(got) != 3 {
		t.Fatalf("after Flush the drain handled %v, want [1 2 3]", got)
	}
	q.Close()
	if err := q.Flush(ctx, mark); !errors.Is(err, ErrClosed) {
		t.Fatalf("flush after Close: %v, want ErrClosed", err)
	}
}

package realtime

import (
	"encoding/binary"
	"errors"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/fasthttp/websocket"
)

// A connection's data frames are framed here and written to its socket,
// not through the websocket library's writer: a fan-out first tries each
// subscriber's socket without blocking, from the hub's goroutine, and
// only a socket that is full (or a connection already writing) gets a
// writer goroutine. One event to 1,000 members used to make 1,000 writer
// goroutines runnable at once, and every other goroutine of the board (a
// send's store writes, its HTTP answer) queued behind them. Control frames
// still go through the library; every write of a connection, of either
// kind, holds its write lock (wlock), so they never interleave.

// beforeRest, in tests, runs when a writer is about to finish a frame the
// socket took part of.
var beforeRest func()

// framePool holds the buffers frames are built in.
var framePool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// putFrame returns a buffer to the pool unless a burst's replay made it
// big: those are left to the collector.
func putFrame(bp *[]byte) {
	if cap(*bp) <= 64<<10 {
		framePool.Put(bp)
	}
}

// appendFrame appends q as one unmasked text frame (RFC 6455 5.2), its
// payload a JSON array when q holds more than one message.
func appendFrame(dst []byte, q []outMsg) []byte {
	n, size := 0, 0
	for _, m := range q {
		if m.many == nil {
			n, size = n+1, size+len(m.one)
		}
		for _, b := range m.many {
			n, size = n+1, size+len(b)
		}
	}
	if n > 1 {
		size += n + 1 // brackets and commas
	}
	dst = append(dst, 0x81) // FIN, text
	switch {
	case size < 126:
		dst = append(dst, byte(size))
	case size <= 0xffff:
		dst = append(dst, 126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(size))
	default:
		dst = append(dst, 127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(size))
	}
	i := 0
	put := func(b []byte) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, b...)
		i++
	}
	if n > 1 {
		dst = append(dst, '[')
	}
	for _, m := range q {
		if m.many == nil {
			put(m.one)
		}
		for _, b := range m.many {
			put(b)
		}
	}
	if n > 1 {
		dst = append(dst, ']')
	}
	return dst
}

// rawConn is the socket under ws, for writes that must not block; nil
// when it has none (the direct path is then never taken).
func rawConn(ws *websocket.Conn) syscall.RawConn {
	nc := ws.NetConn()
	if u, ok := nc.(interface{ UnsafeConn() net.Conn }); ok {
		nc = u.UnsafeConn()
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return raw
}

// writeNow writes m's frame if the socket takes it without blocking, and
// returns what it did not take (nil: all of it). The caller holds c.mu and
// the write lock, and nothing is queued or being written.
func (c *Conn) writeNow(m outMsg) []byte {
	bp := framePool.Get().(*[]byte)
	defer putFrame(bp)
	frame := appendFrame((*bp)[:0], []outMsg{m})
	*bp = frame[:0]
	done := 0
	_ = c.raw.Write(func(fd uintptr) bool {
		for done < len(frame) {
			n, err := syscall.Write(int(fd), frame[done:])
			if err == syscall.EINTR {
				continue
			}
			if n <= 0 || err != nil {
				break // full (EAGAIN) or failed: the writer finds out which
			}
			done += n
		}
		return true // never wait here
	})
	if done == len(frame) {
		c.hub.atOnce.Add(1)
		return nil
	}
	if done > 0 {
		c.hub.partial.Add(1)
	}
	return append([]byte(nil), frame[done:]...)
}

// writeFrame writes q as one frame, blocking up to WriteWait. The caller
// holds the write lock.
func (c *Conn) writeFrame(q []outMsg) error {
	bp := framePool.Get().(*[]byte)
	defer putFrame(bp)
	frame := appendFrame((*bp)[:0], q)
	*bp = frame[:0]
	return c.writeRaw(frame)
}

func (c *Conn) writeRaw(b []byte) error {
	nc := c.ws.NetConn()
	_ = nc.SetWriteDeadline(time.Now().Add(WriteWait))
	_, err := nc.Write(b)
	return err
}

// lockWrites takes c's write lock, waiting until deadline at most.
func (c *Conn) lockWrites(deadline time.Time) bool {
	select {
	case c.wlock <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case c.wlock <- struct{}{}:
		return true
	case <-t.C:
		return false
	}
}

func (c *Conn) tryLockWrites() bool {
	select {
	case c.wlock <- struct{}{}:
		return true
	default:
		return false
	}
}

func (c *Conn) unlockWrites() { <-c.wlock }

// control writes a control frame under the write lock.
func (c *Conn) control(kind int, data []byte, deadline time.Time) error {
	if !c.lockWrites(deadline) {
		return os.ErrDeadlineExceeded
	}
	defer c.unlockWrites()
	return c.ws.WriteControl(kind, data, deadline)
}

// answerControls makes the reader's answers to the client's pings and
// close frames take the write lock too (the library's own handlers write
// without it).
func (c *Conn) answerControls() {
	c.ws.SetPingHandler(func(data string) error {
		err := c.control(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
		if err != nil && !errors.Is(err, websocket.ErrCloseSent) && !isNetErr(err) {
			return err
		}
		return nil
	})
	c.ws.SetCloseHandler(func(code int, _ string) error {
		_ = c.control(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
		return nil
	})
}

func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, os.ErrDeadlineExceeded)
}

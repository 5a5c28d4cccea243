package mailer

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// fakeSMTP accepts one message on loopback and returns what it received.
func fakeSMTP(t *testing.T) (addr string, got <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		tp := textproto.NewConn(conn)
		tp.PrintfLine("220 fake ESMTP")
		var log strings.Builder
		for {
			line, err := tp.ReadLine()
			if err != nil {
				return
			}
			cmd := strings.ToUpper(strings.Fields(line + " x")[0])
			switch cmd {
			case "EHLO", "HELO":
				tp.PrintfLine("250 fake")
			case "MAIL", "RCPT":
				log.WriteString(line + "\n")
				tp.PrintfLine("250 ok")
			case "DATA":
				tp.PrintfLine("354 go on")
				data, _ := tp.ReadDotBytes()
				log.Write(data)
				tp.PrintfLine("250 queued")
			case "QUIT":
				tp.PrintfLine("221 bye")
				ch <- log.String()
				return
			default:
				tp.PrintfLine("502 no")
			}
		}
	}()
	return ln.Addr().String(), ch
}

func TestSMTPSendsMessage(t *testing.T) {
	addr, got := fakeSMTP(t)
	m, err := NewSMTP("smtp://"+addr, "Tavolo <noreply@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = m.Send(ctx, Message{To: "anna@example.org", Subject: "Reimposta la password è qui", Text: "riga uno\nhttp://x/reset/abc\n"})
	if err != nil {
		t.Fatal(err)
	}
	msg := <-got
	for _, want := range []string{"MAIL FROM:<noreply@example.org>", "RCPT TO:<anna@example.org>", "To: <anna@example.org>",
		"Subject: =?utf-8?q?", "Content-Type: text/plain; charset=utf-8", "http://x/reset/abc"} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
}

func TestNewChoosesLogWithoutURL(t *testing.T) {
	var buf bytes.Buffer
	m, err := New("", "Tavolo <noreply@example.org>", slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), Message{To: "a@example.org", Subject: "S", Text: "link http://x/reset/t"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "http://x/reset/t") || !strings.Contains(buf.String(), "a@example.org") {
		t.Fatalf("log %q", buf.String())
	}
	if _, err := New("smtps://mail.example.org", "not an address", nil); err == nil {
		t.Fatal("bad from accepted")
	}
}

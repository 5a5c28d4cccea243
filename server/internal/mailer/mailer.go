// Package mailer sends the board's few mails (invitations, password
// resets): over SMTP when configured, otherwise into the log.
package mailer

import (
	"context"
	"log/slog"
	"sync"
)

// Message is a plain-text mail.
type Message struct {
	To      string
	Subject string
	Text    string
}

// Mailer sends a message.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// New returns an SMTP mailer for smtpURL, or the log mailer when it is empty.
func New(smtpURL, from string, log *slog.Logger) (Mailer, error) {
	if smtpURL == "" {
		return NewLog(log), nil
	}
	return NewSMTP(smtpURL, from)
}

// Log writes each message to the log: the default, so a board without SMTP
// still shows reset and invitation links to whoever runs it.
type Log struct{ log *slog.Logger }

// NewLog returns a mailer writing to log.
func NewLog(log *slog.Logger) *Log { return &Log{log: log} }

// Send logs the message at info level.
func (l *Log) Send(_ context.Context, m Message) error {
	l.log.Info("mail (not sent: TAVOLO_SMTP_URL unset)", "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

// Outbox keeps messages in memory; tests read what would have been sent.
type Outbox struct {
	mu   sync.Mutex
	msgs []Message
	cond chan struct{}
}

// Send records the message.
func (o *Outbox) Send(_ context.Context, m Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	if o.cond != nil {
		close(o.cond)
		o.cond = nil
	}
	return nil
}

// Wait returns the first message to `to` (in order of sending) once it has
// arrived, or false when ctx ends first.
func (o *Outbox) Wait(ctx context.Context, to string) (Message, bool) {
	for {
		o.mu.Lock()
		for _, m := range o.msgs {
			if m.To == to {
				o.mu.Unlock()
				return m, true
			}
		}
		if o.cond == nil {
			o.cond = make(chan struct{})
		}
		ch := o.cond
		o.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Message{}, false
		}
	}
}

// Take removes and returns every message received so far.
func (o *Outbox) Take() []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.msgs
	o.msgs = nil
	return m
}

// Package realtime owns the live side of the board: the per-topic event log
// (sequence numbers assigned when an event is stored), the hub that fans
// events out to websocket connections, and the topic authorisation rules.
// The protocol is written down in docs/realtime.md.
package realtime

import (
	"encoding/json"
	"time"
)

// Heartbeat, limits and timeouts of the protocol (docs/realtime.md).
const (
	PingPeriod    = 25 * time.Second // the server pings this often
	PongWait      = 60 * time.Second // a connection silent this long is closed
	WriteWait     = 10 * time.Second // deadline for writing one frame
	SendQueueSize = 64               // queued messages per connection before it is dropped
	MaxFrameBytes = 16 << 10         // largest client frame
	FrameRate     = 20               // client frames per second, sustained
	FrameBurst    = 40               // client frames allowed at once
	ReplayWindow  = 1000             // events of history replayable per topic
	MaxTopics     = 200              // subscriptions per connection

	PresenceInterval = time.Second     // at most one presence frame per topic this often
	PresenceNamesMax = 100             // above this many people, presence frames carry the count alone
	TypingInterval   = 3 * time.Second // one typing event fanned out per user and topic this often
	FocusInterval    = time.Second     // one focus event fanned out per user and topic this often

	// presenceSettle gathers the changes of a burst (a page of tabs
	// subscribing at once) into the first broadcast.
	presenceSettle = 50 * time.Millisecond

	// closeGrace is how long a closing connection waits for the client's
	// close answer before the socket is cut.
	closeGrace = 2 * time.Second
	// catchUpLimit bounds the live events buffered for a subscription while
	// its replay is read; a subscription that falls further behind is a slow
	// consumer.
	catchUpLimit = 4 * SendQueueSize
	// opTimeout bounds the store work done for one client frame.
	opTimeout = 10 * time.Second
)

// Close codes (docs/realtime.md, "Close codes").
const (
	CloseNormal        = 1000
	CloseGoingAway     = 1001
	CloseInvalidData   = 1007 // a text frame that is not UTF-8
	ClosePolicy        = 1008
	CloseTooBig        = 1009
	CloseSlowConsumer  = 4000
	CloseSessionEnded  = 4001
	CloseForbiddenPeer = 4003
)

// Error codes sent in `error` messages.
const (
	CodeBadFrame      = "bad_frame"
	CodeInvalidText   = "invalid_text" // a JSON string escapes a lone surrogate; `field` names it
	CodeUnknownType   = "unknown_type"
	CodeUnknownTopic  = "unknown_topic"
	CodeForbidden     = "forbidden"
	CodeRateLimited   = "rate_limited"
	CodeTooManyTopics = "too_many_topics"
	CodeInternal      = "internal"
)

// The events clients may publish: typing (someone writes in a room) and
// focus (the row a viewer of a comparison table is on, {row: field|null}).
const (
	TypingEvent = "typing"
	FocusEvent  = "focus"
)

// clientFrame is any client message; fields unused by a type stay empty.
type clientFrame struct {
	Type  string          `json:"type"`
	ID    string          `json:"id"`
	Topic string          `json:"topic"`
	Since *int64          `json:"since"`
	Quiet bool            `json:"quiet"` // subscribe without being present (a list's unread badges)
	Event string          `json:"event"`
	Data  json.RawMessage `json:"data"`
}

// Server messages. Each is encoded once; events once for all subscribers.
type (
	helloMsg struct {
		Type        string `json:"type"`
		UserID      string `json:"user_id"`
		HeartbeatMS int64  `json:"heartbeat_ms"`
	}
	eventMsg struct {
		Type  string          `json:"type"`
		Topic string          `json:"topic"`
		Seq   int64           `json:"seq"`
		Event string          `json:"event"`
		Data  json.RawMessage `json:"data"`
		At    time.Time       `json:"at"`
	}
	transientMsg struct {
		Type   string          `json:"type"`
		Topic  string          `json:"topic"`
		Event  string          `json:"event"`
		Data   json.RawMessage `json:"data"`
		UserID string          `json:"user_id"`
	}
	topicMsg struct { // subscribed, reset, unsubscribed
		Type  string `json:"type"`
		ID    string `json:"id,omitempty"`
		Topic string `json:"topic"`
		Head  *int64 `json:"head,omitempty"`
		Code  string `json:"code,omitempty"` // why the server ended a subscription (Recheck)
	}
	idMsg struct { // ack, pong
		Type string `json:"type"`
		ID   string `json:"id"`
	}
	errorMsg struct {
		Type    string `json:"type"`
		ID      string `json:"id,omitempty"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	}
)

// errorText is the English text of each code; clients show their own.
var errorText = map[string]string{
	CodeBadFrame:      "frame is not a valid JSON message",
	CodeInvalidText:   "frame holds text that is not valid Unicode",
	CodeUnknownType:   "unknown message type",
	CodeUnknownTopic:  "unknown topic",
	CodeForbidden:     "not allowed on this topic",
	CodeRateLimited:   "too many frames: slow down",
	CodeTooManyTopics: "too many subscriptions on this connection",
	CodeInternal:      "internal error",
}

// encode marshals a server message. The message types above cannot fail
// to encode (their Data fields hold JSON validated on the way in).
func encode(m any) []byte {
	b, err := json.Marshal(m)
	if err != nil {
		panic("realtime: encode " + err.Error())
	}
	return b
}

// plainErrors are the error frames without an id, encoded once.
var plainErrors = func() map[string][]byte {
	m := map[string][]byte{}
	for code, text := range errorText {
		m[code] = encode(errorMsg{Type: "error", Code: code, Message: text})
	}
	return m
}()

func errorFrame(id, code string) []byte {
	if b, ok := plainErrors[code]; ok && id == "" {
		return b
	}
	return encode(errorMsg{Type: "error", ID: id, Code: code, Message: errorText[code]})
}

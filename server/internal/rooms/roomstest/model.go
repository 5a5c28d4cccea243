// Package roomstest holds the simple model of rooms' unread counts that
// the randomised tests (domain and HTTP) compare the server with.
package roomstest

// Model is the truth the server's unread counts must match: per room the
// head, each seq's author ("" for a void) and deletes; per member the
// read position.
type Model struct {
	head    map[string]int
	author  map[string]map[int]string
	deleted map[string]map[int]bool
	member  map[string]map[string]bool
	read    map[string]map[string]int
}

// New returns an empty model.
func New() *Model {
	return &Model{head: map[string]int{}, author: map[string]map[int]string{}, deleted: map[string]map[int]bool{},
		member: map[string]map[string]bool{}, read: map[string]map[string]int{}}
}

// AddRoom adds an empty room.
func (m *Model) AddRoom(id string) {
	m.author[id], m.deleted[id], m.member[id], m.read[id] = map[int]string{}, map[int]bool{}, map[string]bool{}, map[string]int{}
}

// Head is the room's last seq.
func (m *Model) Head(room string) int { return m.head[room] }

// Author is who wrote seq ("" for none or a void).
func (m *Model) Author(room string, seq int) string { return m.author[room][seq] }

// Deleted tells whether seq was deleted.
func (m *Model) Deleted(room string, seq int) bool { return m.deleted[room][seq] }

// Member tells whether user joined the room.
func (m *Model) Member(room, user string) bool { return m.member[room][user] }

// ReadSeq is user's read position.
func (m *Model) ReadSeq(room, user string) int { return m.read[room][user] }

// Join: a new member has read everything so far.
func (m *Model) Join(room, user string) { m.joinAt(room, user, m.head[room]) }

func (m *Model) joinAt(room, user string, seq int) {
	if !m.member[room][user] {
		m.member[room][user], m.read[room][user] = true, seq
	}
}

// Send records a message at seq; a sender who had not joined joins
// having read everything before it.
func (m *Model) Send(room, user string, seq int) {
	m.joinAt(room, user, seq-1)
	m.head[room] = max(m.head[room], seq)
	m.author[room][seq] = user
}

// Void records a seq taken without a message.
func (m *Model) Void(room string) { m.head[room]++ }

// Delete records a delete.
func (m *Model) Delete(room string, seq int) { m.deleted[room][seq] = true }

// Read moves user's read position to seq (never back, never past the
// head); a non-member joins having read up to seq.
func (m *Model) Read(room, user string, seq int) {
	seq = min(seq, m.head[room])
	m.joinAt(room, user, seq)
	m.read[room][user] = max(m.read[room][user], seq)
}

// Unread counts the messages after the read position that are not
// deleted and not the member's own; 0 for non-members.
func (m *Model) Unread(room, user string) int {
	if !m.member[room][user] {
		return 0
	}
	n := 0
	for s := m.read[room][user] + 1; s <= m.head[room]; s++ {
		if a := m.author[room][s]; a != "" && a != user && !m.deleted[room][s] {
			n++
		}
	}
	return n
}

package rooms

import (
	"slices"
	"strconv"
	"time"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/authz"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/store/bucket"
)

// Room settings' values.
const (
	KindTheme, KindTable, KindMeeting = "theme", "table", "meeting"
	AccessOpen, AccessInvited         = "open", "invited"
	HistoryFull, HistorySinceJoin     = "full", "since_join"
	PresenceNames, PresenceCounts     = "names", "counts"
)

// Limits of a message.
const (
	MaxBody      = 4000
	MaxClientID  = 64
	excerptChars = 140
	PageDefault  = 50
	PageMax      = 100
)

// Emojis are the reactions a message may get, in the order they are shown.
var Emojis = []string{"👍", "❤️", "🎉", "😄", "😮", "🙏", "👀", "✅"}

// emojiKey is the stored key of an emoji (no emoji in field paths).
func emojiKey(e string) (string, bool) {
	i := slices.Index(Emojis, e)
	return "e" + strconv.Itoa(i), i >= 0
}

type person struct {
	ID   string `bson:"id"`
	Name string `bson:"name"`
}

// roomDoc is a room as stored; head (room_heads) and gone (room_gone)
// number its messages, and are set beside it when a view needs them.
type roomDoc struct {
	ID                string    `bson:"_id"`
	Name              string    `bson:"name"`
	Description       string    `bson:"description"`
	Kind              string    `bson:"kind"`
	TableID           string    `bson:"table_id,omitempty"`
	Meeting           string    `bson:"meeting,omitempty"`
	Access            string    `bson:"access"`
	AdministrationIDs []string  `bson:"administration_ids"`
	History           string    `bson:"history"`
	Presence          string    `bson:"presence"`
	SlowModeS         int       `bson:"slow_mode_s"`
	Archived          bool      `bson:"archived"`
	Head              int       `bson:"head"`
	Gone              []int     `bson:"gone,omitempty"` // before room_gone (gone.go); then set from it
	CreatedAt         time.Time `bson:"created_at"`
	CreatedBy         person    `bson:"created_by"`
	BucketSize        int       `bson:"bucket_size"`
}

// copyRoom is a kept room a caller may change.
func copyRoom(r roomDoc) roomDoc {
	r.AdministrationIDs, r.Gone = slices.Clone(r.AdministrationIDs), slices.Clone(r.Gone)
	return r
}

func (r *roomDoc) list() bucket.Ref { return bucket.Ref{Owner: r.ID, Size: r.BucketSize} }

func (r *roomDoc) state() authz.State {
	if r.Archived {
		return authz.Archived
	}
	return 0
}

// item is the room as the table sees it for u: in u's administration when
// it is open, or when u's administration is invited.
func (r *roomDoc) item(u *account.User) authz.Item {
	it := authz.Item{State: r.state(), AdministrationID: "-"}
	if r.Access == AccessOpen || slices.Contains(r.AdministrationIDs, u.AdministrationID) {
		it.AdministrationID = u.AdministrationID
	}
	return it
}

// memberDoc is one user in one room; joinedAt nil: not joined (a mute
// may be recorded before).
type memberDoc struct {
	ID         string     `bson:"_id"`
	JoinedAt   *time.Time `bson:"joined_at,omitempty"`
	JoinedSeq  int        `bson:"joined_seq"`
	ReadSeq    int        `bson:"read_seq"`
	Own        []int      `bson:"own"` // the member's seqs after read_seq
	MutedUntil *time.Time `bson:"muted_until,omitempty"`
	LastSentAt *time.Time `bson:"last_sent_at,omitempty"`
}

func (m *memberDoc) joined() bool { return m != nil && m.JoinedAt != nil }

type author struct {
	ID                 string `bson:"id"`
	Name               string `bson:"name"`
	AdministrationID   string `bson:"administration_id"`
	AdministrationName string `bson:"administration_name"`
}

type deletion struct {
	UserID      string    `bson:"user_id"`
	Name        string    `bson:"name"`
	At          time.Time `bson:"at"`
	ByModerator bool      `bson:"by_moderator"`
}

// hiding is why and when the moderation hid a message: readers see a
// placeholder, its author the message and the reason.
type hiding struct {
	Reason string    `bson:"reason"`
	At     time.Time `bson:"at"`
}

// messageDoc is a message as stored in its bucket; a deleted one keeps its
// body for moderators.
type messageDoc struct {
	Seq         int                        `bson:"seq"`
	ClientID    string                     `bson:"client_id"`
	Author      author                     `bson:"author"`
	Body        string                     `bson:"body"`
	HTML        string                     `bson:"html"`
	Mentions    mentions                   `bson:"mentions"`
	ReplyTo     int                        `bson:"reply_to,omitempty"`
	Replies     []int                      `bson:"replies,omitempty"`
	CreatedAt   time.Time                  `bson:"created_at"`
	EditedAt    *time.Time                 `bson:"edited_at,omitempty"`
	EditCount   int                        `bson:"edit_count"`
	Deleted     *deletion                  `bson:"deleted,omitempty"`
	Hidden      *hiding                    `bson:"hidden,omitempty"`    // hidden pending review (package moderation)
	Reactions   map[string]map[string]bool `bson:"reactions,omitempty"` // emoji key -> user id -> true
	Attachments []forum.Attachment         `bson:"attachments,omitempty"`
	Promoted    string                     `bson:"promoted_thread_id,omitempty"`
}

type mentions struct {
	Users           []string `bson:"users" json:"users"`
	Administrations []string `bson:"administrations" json:"administrations"`
}

// Person is a user named on the wire.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Me is what a room is to the reader.
type Me struct {
	Member      bool       `json:"member"`
	JoinedAt    *time.Time `json:"joined_at,omitempty"`
	ReadSeq     int        `json:"read_seq"`
	Unread      int        `json:"unread"`
	MutedUntil  *time.Time `json:"muted_until,omitempty"`
	CanModerate bool       `json:"can_moderate"`
	CanSend     bool       `json:"can_send"`
}

// Room is a room on the wire.
type Room struct {
	ID                string    `json:"id"`
	Name              string    `json:"name"`
	Description       string    `json:"description"`
	Kind              string    `json:"kind"`
	TableID           string    `json:"table_id,omitempty"`
	Meeting           string    `json:"meeting,omitempty"`
	Access            string    `json:"access"`
	AdministrationIDs []string  `json:"administration_ids"`
	History           string    `json:"history"`
	Presence          string    `json:"presence"`
	SlowModeS         int       `json:"slow_mode_s"`
	Archived          bool      `json:"archived"`
	Head              int       `json:"head"`
	CreatedAt         time.Time `json:"created_at"`
	CreatedBy         Person    `json:"created_by"`
	Me                Me        `json:"me"`
}

// Author is who wrote a message.
type Author struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	AdministrationID   string `json:"administration_id"`
	AdministrationName string `json:"administration_name"`
}

// ReplyTo is what a reply answers.
type ReplyTo struct {
	Seq        int    `json:"seq"`
	AuthorName string `json:"author_name"`
	Excerpt    string `json:"excerpt"`
	Deleted    bool   `json:"deleted"`
}

// Reaction is one emoji's count on a message.
type Reaction struct {
	Emoji string `json:"emoji"`
	Count int    `json:"count"`
	Mine  bool   `json:"mine"`
}

// Message is a message on the wire; also the payload of message.* events
// (where mine is false for everyone).
type Message struct {
	Seq                int                `json:"seq"`
	ID                 string             `json:"id"`
	RoomID             string             `json:"room_id"`
	ClientID           string             `json:"client_id"`
	Author             Author             `json:"author"`
	Body               string             `json:"body"`
	HTML               string             `json:"html"`
	ReplyTo            *ReplyTo           `json:"reply_to,omitempty"`
	ReplyCount         int                `json:"reply_count"`
	CreatedAt          time.Time          `json:"created_at"`
	EditedAt           *time.Time         `json:"edited_at,omitempty"`
	Deleted            bool               `json:"deleted"`
	DeletedByModerator bool               `json:"deleted_by_moderator,omitempty"`
	Hidden             bool               `json:"hidden,omitempty"`        // hidden by the moderation: a placeholder
	HiddenReason       string             `json:"hidden_reason,omitempty"` // to its author only
	Reactions          []Reaction         `json:"reactions"`
	Attachments        []forum.Attachment `json:"attachments"`
	Mentions           mentions           `json:"mentions"`
	PromotedThreadID   string             `json:"promoted_thread_id,omitempty"`
}

func messageID(roomID string, seq int) string { return roomID + "-" + strconv.Itoa(seq) }

// wire is the message as readers see it; replyTo is the message answered
// (nil when none or not loaded), viewer "" for events.
func (m *messageDoc) wire(roomID string, replyTo *messageDoc, viewer string) Message {
	out := Message{Seq: m.Seq, ID: messageID(roomID, m.Seq), RoomID: roomID, ClientID: m.ClientID,
		Author: Author{ID: m.Author.ID, Name: m.Author.Name, AdministrationID: m.Author.AdministrationID, AdministrationName: m.Author.AdministrationName},
		Body:   m.Body, HTML: m.HTML, ReplyCount: len(m.Replies), CreatedAt: m.CreatedAt, EditedAt: m.EditedAt,
		Reactions: []Reaction{}, Attachments: m.Attachments, Mentions: m.Mentions, PromotedThreadID: m.Promoted}
	if out.Attachments == nil {
		out.Attachments = []forum.Attachment{}
	}
	if out.Mentions.Users == nil {
		out.Mentions.Users = []string{}
	}
	if out.Mentions.Administrations == nil {
		out.Mentions.Administrations = []string{}
	}
	if m.ReplyTo > 0 {
		out.ReplyTo = &ReplyTo{Seq: m.ReplyTo}
		if replyTo != nil {
			out.ReplyTo.AuthorName = replyTo.Author.Name
			if replyTo.Deleted != nil {
				out.ReplyTo.Deleted = true
			} else if replyTo.Hidden == nil {
				out.ReplyTo.Excerpt = excerpt(replyTo.Body)
			}
		}
	}
	hidden := m.Hidden != nil && m.Deleted == nil
	if hidden && viewer != "" && viewer == m.Author.ID {
		out.Hidden, out.HiddenReason = true, m.Hidden.Reason // the author sees their own message, and why
	} else if m.Deleted != nil || hidden {
		out.Hidden = hidden
		if m.Deleted != nil {
			out.Deleted, out.DeletedByModerator = true, m.Deleted.ByModerator
		}
		out.Body, out.HTML, out.Attachments = "", "", []forum.Attachment{}
		out.Mentions = mentions{Users: []string{}, Administrations: []string{}}
		return out
	}
	for i, e := range Emojis {
		users := m.Reactions["e"+strconv.Itoa(i)]
		if len(users) > 0 {
			out.Reactions = append(out.Reactions, Reaction{Emoji: e, Count: len(users), Mine: viewer != "" && users[viewer]})
		}
	}
	return out
}

// excerpt is the start of a body, at most excerptChars runes.
func excerpt(body string) string {
	r := []rune(body)
	if len(r) <= excerptChars {
		return body
	}
	return string(r[:excerptChars-1]) + "…"
}

// Package modhold is a moderator's hold on an item the moderation acted on
// (an experience, a cell comment): how it is stored with the item and how
// the item's readers are told of it.
package modhold

import "time"

// States of a hold.
const (
	Hidden  = "hidden"
	Deleted = "deleted"
)

// Doc is a hold as stored with the item.
type Doc struct {
	State  string    `bson:"state"`
	Reason string    `bson:"reason"`
	At     time.Time `bson:"at"`
}

// View says a moderator acted on an item; Reason is there for those who
// see the item as it is (its authors, moderators).
type View struct {
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

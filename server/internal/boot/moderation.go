package boot

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strconv"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/cellnotes"
	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/forum"
	"github.com/cantieri/tavolo/server/internal/moderation"
	"github.com/cantieri/tavolo/server/internal/rooms"
)

// buildModeration wires the reports and the review queue to the kinds of
// item they moderate (one resolver each) and to the moderators' topic.
// It runs before the outbox's Recover, which may redo its work.
func (b *Board) buildModeration(log *slog.Logger) *moderation.Service {
	m := moderation.New(moderation.Deps{Store: b.Store, Outbox: b.Outbox, Audit: b.Audit, Notifier: b.Notify,
		Publisher: b.Hub, Logger: log, HideAfter: b.Config.ReportHideAfter})
	m.Register(moderation.KindPost, postResolver{b.Forum})
	m.Register(moderation.KindMessage, messageResolver{b.Rooms})
	m.Register(moderation.KindExperience, experienceResolver{b.Experiences})
	m.Register(moderation.KindCellComment, commentResolver{b.CellNotes})
	m.RegisterTopic(b.Hub)
	return m
}

// postResolver moderates forum posts ("<thread id>-<n>").
type postResolver struct{ f *forum.Service }

func postItem(p forum.ModeratedPost) moderation.Item {
	return moderation.Item{AuthorID: p.AuthorID, AuthorName: p.AuthorName, Place: p.ThreadID, PlaceLabel: p.ThreadTitle,
		Link: "/forum/p/" + p.ThreadID + "-" + strconv.Itoa(p.N), Text: p.Text, Hidden: p.Hidden, HiddenReason: p.HiddenReason, Deleted: p.Deleted}
}

func (r postResolver) Reportable(ctx context.Context, _ *account.User, id string) (moderation.Item, error) {
	p, err := r.f.ModerationPost(ctx, id) // every active user reads every thread
	return postItem(p), err
}

func (r postResolver) Current(ctx context.Context, id string) (moderation.Item, bool, error) {
	p, err := r.f.ModerationPost(ctx, id)
	if errors.Is(err, forum.ErrPostNotFound) {
		return moderation.Item{}, false, nil
	}
	return postItem(p), err == nil, err
}

func (r postResolver) CurrentMany(ctx context.Context, ids []string) (map[string]moderation.Item, error) {
	posts, err := r.f.ModerationPosts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]moderation.Item, len(posts))
	for id, p := range posts {
		out[id] = postItem(p)
	}
	return out, nil
}

func (r postResolver) SetHidden(ctx context.Context, id string, hidden bool, reason string) error {
	return r.f.SetPostHidden(ctx, id, hidden, reason)
}

// SetHiddenMany changes each bucket of posts once (moderation.BatchHider).
func (r postResolver) SetHiddenMany(ctx context.Context, hs []moderation.Hiding) error {
	ps := make([]forum.PostHiding, len(hs))
	for i, h := range hs {
		ps[i] = forum.PostHiding(h)
	}
	return r.f.SetPostsHidden(ctx, ps)
}

// DeleteMany deletes a thread's posts together (moderation.BatchDeleter).
func (r postResolver) DeleteMany(ctx context.Context, u *account.User, ids []string, reason string) []error {
	return r.f.DeletePosts(ctx, u, ids, forum.PostDeletion{Reason: reason})
}

func (r postResolver) Delete(ctx context.Context, u *account.User, id, reason string) error {
	return r.f.DeletePost(ctx, u, id, forum.PostDeletion{Reason: reason})
}

// messageResolver moderates room messages ("<room id>-<seq>").
type messageResolver struct{ r *rooms.Service }

func messageItem(m rooms.ModeratedMessage) moderation.Item {
	return moderation.Item{AuthorID: m.AuthorID, AuthorName: m.AuthorName, Place: m.RoomID, PlaceLabel: m.RoomName,
		Link: "/stanze/" + m.RoomID + "?seq=" + strconv.Itoa(m.Seq), Text: m.Text, Hidden: m.Hidden, HiddenReason: m.HiddenReason, Deleted: m.Deleted}
}

func (r messageResolver) Reportable(ctx context.Context, u *account.User, id string) (moderation.Item, error) {
	m, err := r.r.ReportableMessage(ctx, u, id)
	return messageItem(m), err
}

func (r messageResolver) Current(ctx context.Context, id string) (moderation.Item, bool, error) {
	m, err := r.r.ModerationMessage(ctx, id)
	if errors.Is(err, rooms.ErrMessageNotFound) || errors.Is(err, rooms.ErrRoomNotFound) {
		return moderation.Item{}, false, nil
	}
	return messageItem(m), err == nil, err
}

func (r messageResolver) SetHidden(ctx context.Context, id string, hidden bool, reason string) error {
	return r.r.SetMessageHidden(ctx, id, hidden, reason)
}

// SetHiddenMany changes each bucket of messages once (moderation.BatchHider).
func (r messageResolver) SetHiddenMany(ctx context.Context, hs []moderation.Hiding) error {
	ms := make([]rooms.MessageHiding, len(hs))
	for i, h := range hs {
		ms[i] = rooms.MessageHiding(h)
	}
	return r.r.SetMessagesHidden(ctx, ms)
}

func (r messageResolver) Delete(ctx context.Context, u *account.User, id, _ string) error {
	roomID, seq, ok := rooms.SplitMessageID(id)
	if !ok {
		return rooms.ErrMessageNotFound
	}
	_, err := r.r.Delete(ctx, u, roomID, seq)
	return err
}

// experienceResolver moderates experience records (their id).
type experienceResolver struct{ e *experiences.Service }

func experienceItem(x experiences.ModeratedExperience) moderation.Item {
	return moderation.Item{AuthorID: x.AuthorID, AuthorName: x.AuthorName, Place: x.ID,
		PlaceLabel: x.Titolo + " · " + x.AdministrationName, Link: "/esperienze/" + x.ID, Text: x.Text,
		Hidden: x.Hidden, HiddenReason: x.HiddenReason, Deleted: x.Deleted}
}

func (r experienceResolver) Reportable(ctx context.Context, u *account.User, id string) (moderation.Item, error) {
	x, err := r.e.ReportableExperience(ctx, u, id)
	return experienceItem(x), err
}

func (r experienceResolver) Current(ctx context.Context, id string) (moderation.Item, bool, error) {
	x, err := r.e.ModerationExperience(ctx, id)
	if errors.Is(err, experiences.ErrNotFound) {
		return moderation.Item{}, false, nil
	}
	return experienceItem(x), err == nil, err
}

func (r experienceResolver) SetHidden(ctx context.Context, id string, hidden bool, reason string) error {
	return r.e.SetExperienceHidden(ctx, id, hidden, reason)
}

func (r experienceResolver) Delete(ctx context.Context, _ *account.User, id, reason string) error {
	return r.e.DeleteExperience(ctx, id, reason)
}

// commentResolver moderates cell comments ("<experience id>-<n>"): their
// place is the record, their label the record and the field, their link
// the record at the field (the record page opens its comments there).
type commentResolver struct{ c *cellnotes.Service }

func commentItem(x cellnotes.ModeratedComment) moderation.Item {
	return moderation.Item{AuthorID: x.AuthorID, AuthorName: x.AuthorName, Place: x.ExperienceID,
		PlaceLabel: x.ExperienceTitle + " · " + x.FieldLabel,
		Link:       "/esperienze/" + x.ExperienceID + "?" + url.Values{"campo": {x.Field}}.Encode(), Text: x.Text,
		Hidden: x.Hidden, HiddenReason: x.HiddenReason, Deleted: x.Deleted}
}

func (r commentResolver) Reportable(ctx context.Context, u *account.User, id string) (moderation.Item, error) {
	x, err := r.c.ReportableComment(ctx, u, id)
	return commentItem(x), err
}

func (r commentResolver) Current(ctx context.Context, id string) (moderation.Item, bool, error) {
	x, err := r.c.ModerationComment(ctx, id)
	if errors.Is(err, cellnotes.ErrCommentNotFound) {
		return moderation.Item{}, false, nil
	}
	return commentItem(x), err == nil, err
}

func (r commentResolver) SetHidden(ctx context.Context, id string, hidden bool, reason string) error {
	return r.c.SetCommentHidden(ctx, id, hidden, reason)
}

func (r commentResolver) Delete(ctx context.Context, _ *account.User, id, reason string) error {
	return r.c.DeleteComment(ctx, id, reason)
}

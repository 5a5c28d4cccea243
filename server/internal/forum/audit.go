package forum

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/audit"
)

// Moderator and admin actions on the forum go to the audit log: each
// records its entries before its write and appends them after it (package
// audit). An author changing their own thread or post is no moderation and
// is not logged.

// observeAudit tells the audit log how to read the forum's targets when it
// replays entries a crash left pending.
func (s *Service) observeAudit(l *audit.Log) {
	l.Observe("category", func(ctx context.Context, id string) (map[string]any, error) {
		d, err := s.category(ctx, id)
		if errors.Is(err, ErrCategoryNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return categoryAudit(d), nil
	})
	l.Observe("categories", func(ctx context.Context, _ string) (map[string]any, error) {
		all, err := s.allCategories(ctx)
		if err != nil {
			return nil, err
		}
		return map[string]any{"order": categoryOrder(all)}, nil
	})
	l.Observe("thread", func(ctx context.Context, id string) (map[string]any, error) {
		t, err := s.thread(ctx, id)
		if errors.Is(err, ErrThreadNotFound) {
			// merged away: what it was merged into
			to, ok, err := s.movedTo(ctx, "t:"+id)
			if err != nil || !ok {
				return nil, err
			}
			return map[string]any{"merged_into": to}, nil
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{"locked": t.Locked, "pinned": t.Pinned, "title": t.Title, "tags": t.Tags,
			"category_id": t.CategoryID, "merged_into": t.MergedInto, "split_from": t.SplitFrom,
			"pinned_until": auditTime(t.PinnedUntil), "closes_at": auditTime(t.ClosesAt)}, nil
	})
	l.Observe("post", func(ctx context.Context, id string) (map[string]any, error) {
		_, p, err := s.postByID(ctx, id)
		if errors.Is(err, ErrPostNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{"deleted": p.Deleted}, nil
	})
}

func categoryAudit(d *categoryDoc) map[string]any {
	return map[string]any{"name_it": d.NameIT, "name_en": d.NameEN, "description_it": d.DescriptionIT,
		"description_en": d.DescriptionEN, "archived": d.Archived}
}

func categoryOrder(all []categoryDoc) []string {
	out := make([]string, len(all))
	for i, d := range all {
		out[i] = d.ID
	}
	return out
}

// categoryChange is the entry of an update of d setting set (the fields
// that change, before and after), or false when nothing changes.
func categoryChange(u *account.User, d *categoryDoc, set map[string]any) (audit.Entry, bool) {
	was := categoryAudit(d)
	before, after := map[string]any{}, map[string]any{}
	for k, v := range set {
		if was[k] != v {
			before[k], after[k] = was[k], v
		}
	}
	if len(after) == 0 {
		return audit.Entry{}, false
	}
	action := audit.CategoryUpdate
	if on, ok := after["archived"].(bool); ok && len(after) == 1 {
		action = audit.CategoryRestore
		if on {
			action = audit.CategoryArchive
		}
	}
	return audit.Entry{Actor: u.AuditActor(), Action: action, Target: audit.Target{Kind: "category", ID: d.ID, Label: d.NameIT},
		Place: d.ID, Before: before, After: after}, true
}

// threadChanges are the entries of a moderator's patch of t: lock, pin,
// and an edit of another's title or tags.
func threadChanges(u *account.User, t *ThreadSummary, p ThreadPatch) []audit.Entry {
	var out []audit.Entry
	add := func(action string, before, after map[string]any) {
		out = append(out, audit.Entry{Actor: u.AuditActor(), Action: action,
			Target: audit.Target{Kind: "thread", ID: t.ID, Label: t.Title}, Place: t.CategoryID, Reason: strings.TrimSpace(p.Reason),
			Before: before, After: after})
	}
	flag := func(v *bool, was bool, field, on, off string) {
		if v == nil || *v == was {
			return
		}
		action := off
		if *v {
			action = on
		}
		add(action, map[string]any{field: was}, map[string]any{field: *v})
	}
	flag(p.Locked, t.Locked, "locked", audit.ThreadLock, audit.ThreadUnlock)
	if p.PinnedUntil != nil { // schedule set pinned too
		add(audit.ThreadPin, map[string]any{"pinned": t.Pinned, "pinned_until": auditTime(t.PinnedUntil)},
			map[string]any{"pinned": true, "pinned_until": auditTime(p.PinnedUntil)})
	} else {
		flag(p.Pinned, t.Pinned, "pinned", audit.ThreadPin, audit.ThreadUnpin)
	}
	if p.ClosesAt != nil {
		add(audit.ThreadCloseAt, map[string]any{"closes_at": auditTime(t.ClosesAt)}, map[string]any{"closes_at": auditTime(p.ClosesAt)})
	}
	if u.ID != t.AuthorID {
		before, after := map[string]any{}, map[string]any{}
		if p.Title != nil && *p.Title != t.Title {
			before["title"], after["title"] = t.Title, *p.Title
		}
		if p.Tags != nil && !slices.Equal(*p.Tags, t.Tags) {
			before["tags"], after["tags"] = t.Tags, *p.Tags
		}
		if len(after) > 0 {
			add(audit.ThreadEdit, before, after)
		}
	}
	return out
}

// postDeletion is the entry of a moderator deleting another's post.
func postDeletion(u *account.User, t *ThreadSummary, p *postDoc, reason string) []audit.Entry {
	if u.ID == p.Author.ID {
		return nil
	}
	return []audit.Entry{{Actor: u.AuditActor(), Action: audit.PostDelete,
		Target: audit.Target{Kind: "post", ID: postID(t.ID, p.N), Label: t.Title + " #" + strconv.Itoa(p.N)},
		Place:  t.ID, Reason: reason, Before: map[string]any{"deleted": false}, After: map[string]any{"deleted": true}}}
}

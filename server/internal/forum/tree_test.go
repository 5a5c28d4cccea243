package forum

import (
	"reflect"
	"strconv"
	"testing"
	"time"
)

// thread builds posts from "n:parent" pairs; depth follows the parents.
func threadOf(pairs ...[2]int) map[int]*postDoc {
	posts := map[int]*postDoc{}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, pr := range pairs {
		n, parent := pr[0], pr[1]
		depth := 0
		if n > 1 {
			depth = 1
			if q, ok := posts[parent]; ok && parent > 1 {
				depth = q.Depth + 1
			}
		}
		posts[n] = &postDoc{N: n, ParentN: parent, Depth: depth, CreatedAt: t0.Add(time.Duration(n) * time.Minute), Body: "p" + strconv.Itoa(n)}
	}
	return posts
}

func numbers(ps []*postDoc) []int {
	out := []int{}
	for _, p := range ps {
		out = append(out, p.N)
	}
	return out
}

func TestTreeOrder(t *testing.T) {
	tests := []struct {
		name  string
		posts map[int]*postDoc
		tree  []int
		flat  []int
	}{
		{"opening post only", threadOf([2]int{1, 0}), []int{1}, []int{1}},
		{"direct replies in date order", threadOf([2]int{1, 0}, [2]int{2, 0}, [2]int{3, 0}), []int{1, 2, 3}, []int{1, 2, 3}},
		{"nested reply follows its parent before later siblings",
			threadOf([2]int{1, 0}, [2]int{2, 0}, [2]int{3, 0}, [2]int{4, 2}, [2]int{5, 4}, [2]int{6, 2}),
			[]int{1, 2, 4, 5, 6, 3}, []int{1, 2, 3, 4, 5, 6}},
		{"missing parent hangs off the thread",
			threadOf([2]int{1, 0}, [2]int{3, 0}, [2]int{4, 2}),
			[]int{1, 3, 4}, []int{1, 3, 4}},
		{"no opening post (lost write) still shows replies",
			threadOf([2]int{2, 0}, [2]int{3, 2}),
			[]int{2, 3}, []int{2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := numbers(treeOrder(tc.posts)); !reflect.DeepEqual(got, tc.tree) {
				t.Errorf("tree = %v, want %v", got, tc.tree)
			}
			if got := numbers(flatOrder(tc.posts)); !reflect.DeepEqual(got, tc.flat) {
				t.Errorf("flat = %v, want %v", got, tc.flat)
			}
		})
	}
}

func TestDepthCapAndReplyTo(t *testing.T) {
	// A chain 2 <- 3 <- ... <- 8: depths 1..7, shown capped at MaxDepth.
	pairs := [][2]int{{1, 0}, {2, 0}}
	for n := 3; n <= 8; n++ {
		pairs = append(pairs, [2]int{n, n - 1})
	}
	posts := threadOf(pairs...)
	tests := []struct {
		n, depth, replyTo int
		parent            string
	}{
		{1, 0, 0, ""},
		{2, 1, 0, ""},
		{3, 2, 2, "7-2"},
		{5, 4, 4, "7-4"},
		{6, MaxDepth, 5, "7-5"},
		{8, MaxDepth, 7, "7-7"},
	}
	for _, tc := range tests {
		p := posts[tc.n].public("7")
		if p.Depth != tc.depth || p.ReplyToN != tc.replyTo || p.ParentID != tc.parent || p.ID != "7-"+strconv.Itoa(tc.n) {
			t.Errorf("post %d: depth %d reply_to %d parent %q, want %d %d %q", tc.n, p.Depth, p.ReplyToN, p.ParentID, tc.depth, tc.replyTo, tc.parent)
		}
	}
	if got := numbers(treeOrder(posts)); !reflect.DeepEqual(got, []int{1, 2, 3, 4, 5, 6, 7, 8}) {
		t.Errorf("deep chain order = %v", got)
	}
}

func TestPlaceholder(t *testing.T) {
	p := &postDoc{N: 3, ParentN: 2, Depth: 2, Deleted: true, Author: author{ID: "u1", Name: "Anna"},
		Reactions: map[string]map[string]reactor{}, Attachments: []fileDoc{{ID: "a"}}}
	v := p.public("9")
	if !v.Deleted || v.Body != "" || v.HTML != "" || len(v.Attachments) != 0 || v.ParentID != "9-2" || v.AuthorName != "Anna" {
		t.Fatalf("placeholder = %+v", v)
	}
}

func TestPaginate(t *testing.T) {
	items := make([]int, 120)
	for i := range items {
		items[i] = i
	}
	tests := []struct {
		page, per, first, n int
	}{
		{1, 50, 0, 50}, {2, 50, 50, 50}, {3, 50, 100, 20}, {4, 50, 0, 0}, {1, 200, 0, 120},
	}
	for _, tc := range tests {
		page, per := normPage(tc.page, tc.per, PostsPerPage)
		got := paginate(items, page, per)
		if len(got) != min(tc.n, MaxPerPage) || len(got) > 0 && got[0] != tc.first {
			t.Errorf("page %d per %d: %d items from %v", tc.page, tc.per, len(got), got)
		}
	}
	if p, per := normPage(0, 0, PostsPerPage); p != 1 || per != PostsPerPage {
		t.Errorf("defaults = %d %d", p, per)
	}
}

func TestSplitPostID(t *testing.T) {
	tests := []struct {
		in  string
		tid string
		n   int
		ok  bool
	}{
		{"12-3", "12", 3, true}, {"12-0", "", 0, false}, {"12", "", 0, false}, {"-3", "", 0, false},
		{"a.b-3", "", 0, false}, {"$x-1", "", 0, false}, {"12-x", "", 0, false},
	}
	for _, tc := range tests {
		tid, n, ok := splitPostID(tc.in)
		if tid != tc.tid || n != tc.n || ok != tc.ok {
			t.Errorf("%q = %q %d %v", tc.in, tid, n, ok)
		}
	}
}

package forum

import "sort"

// Views of a thread.
const (
	ViewTree = "tree"
	ViewFlat = "flat"
)

// treeOrder lays the posts out depth-first from the opening post, each
// post's replies in date order (post numbers grow with time). A reply whose
// parent is missing (a number lost to an interrupted write) hangs off the
// thread, so nothing stored is ever hidden.
func treeOrder(posts map[int]*postDoc) []*postDoc {
	children := make(map[int][]int, len(posts))
	for n, p := range posts {
		parent := p.ParentN
		if _, ok := posts[parent]; !ok || parent >= n {
			parent = 0
		}
		if n == 1 {
			continue
		}
		children[parent] = append(children[parent], n)
	}
	for _, c := range children {
		sort.Slice(c, func(i, j int) bool { return before(posts[c[i]], posts[c[j]]) })
	}
	out := make([]*postDoc, 0, len(posts))
	if p, ok := posts[1]; ok {
		out = append(out, p)
	}
	// Iterative depth-first walk: a 500-deep chain must not grow the stack.
	stack := append([]int(nil), reversed(children[0])...)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		out = append(out, posts[n])
		stack = append(stack, reversed(children[n])...)
	}
	return out
}

func reversed(ns []int) []int {
	r := make([]int, len(ns))
	for i, n := range ns {
		r[len(ns)-1-i] = n
	}
	return r
}

// before orders posts by date, then number: numbers grow with time, except
// for the posts a merge brought in (curation.go), which keep their dates.
func before(a, b *postDoc) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.Before(b.CreatedAt)
	}
	return a.N < b.N
}

// flatOrder is every post by date (by number, but for merged posts).
func flatOrder(posts map[int]*postDoc) []*postDoc {
	out := make([]*postDoc, 0, len(posts))
	for _, p := range posts {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return before(out[i], out[j]) })
	return out
}

// paginate returns page (1-based) of items; out-of-range pages are empty.
func paginate[T any](items []T, page, perPage int) []T {
	start := (page - 1) * perPage
	if start >= len(items) || start < 0 {
		return []T{}
	}
	return items[start:min(start+perPage, len(items))]
}

// normPage clamps ?page= and ?per_page=.
func normPage(page, perPage, def int) (int, int) {
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = def
	}
	return page, min(perPage, MaxPerPage)
}

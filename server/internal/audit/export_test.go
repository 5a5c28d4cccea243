package audit

import "context"

// AppendForTest appends p's entries as Done does, without ending its
// outbox record: the state a kill -9 between the two leaves.
func AppendForTest(ctx context.Context, l *Log, p *Pending) {
	for _, e := range p.entries {
		if err := l.append(ctx, e); err != nil {
			panic(err)
		}
	}
}

// DropCacheForTest forgets the decoded entries: every page reads its
// buckets, as for entries older than the cache holds.
func DropCacheForTest(l *Log) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cache = map[int]map[int]Entry{}
}

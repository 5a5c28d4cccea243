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

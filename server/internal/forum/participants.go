package forum

import "context"

// maxParticipants is how many of a thread's latest authors count as its
// recent participants.
const maxParticipants = 20

// RecentParticipants returns the IDs of the users who wrote the thread's
// latest posts, the most recent first: @-suggestions rank them first.
func (s *Service) RecentParticipants(ctx context.Context, threadID string) ([]string, error) {
	t, version, err := s.threadVersioned(ctx, threadID)
	if err != nil {
		return nil, err
	}
	tp, err := s.threadPostsOf(ctx, t, version)
	if err != nil {
		return nil, err
	}
	out := []string{}
	seen := map[string]bool{}
	for i := len(tp.flat) - 1; i >= 0 && len(out) < maxParticipants; i-- {
		p := tp.flat[i]
		if p.Deleted || seen[p.AuthorID] {
			continue
		}
		seen[p.AuthorID] = true
		out = append(out, p.AuthorID)
	}
	return out, nil
}

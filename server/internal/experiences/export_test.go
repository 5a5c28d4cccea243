package experiences

// SetBeforeThread makes Publish stop after its write as a crash would.
func SetBeforeThread(s *Service, fn func() error) { s.beforeThread = fn }

// SetBeforeLink makes Publish stop after the thread is open, before the
// record links it, as a crash would.
func SetBeforeLink(s *Service, fn func() error) { s.beforeLink = fn }

package experiences

// SetBeforeThread makes Publish stop after its write as a crash would.
func SetBeforeThread(s *Service, fn func() error) { s.beforeThread = fn }

// SetBeforeLink makes Publish stop after the thread is open, before the
// record links it, as a crash would.
func SetBeforeLink(s *Service, fn func() error) { s.beforeLink = fn }

// SetAfterWrite makes every write stop after its head as a crash would,
// before its event is published.
func SetAfterWrite(s *Service, fn func() error) { s.afterWrite = fn }

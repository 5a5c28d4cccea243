package experiences

// SetBeforeThread makes Publish stop after its write as a crash would.
func SetBeforeThread(s *Service, fn func() error) { s.beforeThread = fn }

// SetAfterWrite makes every write stop after its head as a crash would,
// before its event is published.
func SetAfterWrite(s *Service, fn func() error) { s.afterWrite = fn }

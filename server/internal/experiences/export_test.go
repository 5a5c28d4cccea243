package experiences

// SetBeforeThread makes Publish stop after its write as a crash would.
func SetBeforeThread(s *Service, fn func() error) { s.beforeThread = fn }

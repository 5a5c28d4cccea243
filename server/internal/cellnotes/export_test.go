package cellnotes

// SetAfterNumber makes every post stop after its outbox entry as a crash
// would.
func SetAfterNumber(s *Service, fn func() error) { s.afterNumber = fn }

package tables

// SetAfterWrite makes Create and Update stop after their write as a crash
// would (the outbox entry stays for the next start).
func SetAfterWrite(s *Service, fn func() error) { s.afterWrite = fn }

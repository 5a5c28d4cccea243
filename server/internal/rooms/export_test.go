package rooms

// Written drops the kept copy of room id, for tests that write its
// document as an older board left it, behind the service's back.
func (s *Service) Written(id string) { s.rooms.Written(id) }

// ApplyEvery is how far apart the applier's rounds are while busy.
const ApplyEvery = applyEvery

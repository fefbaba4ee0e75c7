package engine

// SetClock makes s's announce timers run on after (fake clocks in tests).
func SetClock(s *Session, after AfterFunc) { s.after = after }

// PeerLost is what the room calls when the connection of peer id failed.
func PeerLost(s *Session, id string) { s.peerLost(id) }

package peer

// senderKey identifies a (track, stream) pair the way simple-peer's nested
// sender map does (wire-0.18 §4.6), by ids so that re-wrapping the same
// browser objects finds the same sender.
type senderKey struct{ track, stream string }

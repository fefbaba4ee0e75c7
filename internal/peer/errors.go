package peer

import "errors"

var (
	// ErrClosed is returned by Send, Signal and the media methods once the peer
	// has been destroyed (by Close or by any close cause of protocol-0.18 §4.4).
	ErrClosed = errors.New("peer: closed")
	// ErrInvalidSignal is returned (and the peer destroyed) for a signal with
	// none of sdp, candidate, renegotiate, transceiverRequest, or with a member
	// of the wrong shape (simple-peer: "signal() called with invalid signal
	// data", protocol-0.18 §4.3).
	ErrInvalidSignal = errors.New("peer: signal() called with invalid signal data")
	// ErrICEFailed: iceConnectionState became "failed" (protocol-0.18 §4.4).
	ErrICEFailed = errors.New("peer: ice connection failed")
	// ErrICEClosed: iceConnectionState became "closed" (protocol-0.18 §4.4).
	ErrICEClosed = errors.New("peer: ice connection closed")
	// ErrDisconnected: iceConnectionState stayed "disconnected" for
	// disconnectTimeout (5 s), as Trystero 0.25 treats it (protocol-0.25 §5).
	ErrDisconnected = errors.New("peer: ice connection disconnected for 5 s")
	// ErrConnectionFailed: connectionState became "failed" (protocol-0.18 §4.4).
	ErrConnectionFailed = errors.New("peer: connection failed")
	// ErrDataChannel wraps data-channel errors (protocol-0.18 §4.4).
	ErrDataChannel = errors.New("peer: data channel error")
	// ErrExtraChannels: the remote opened more than 16 data channels beyond
	// the one a peer uses (protocol-0.18 §4.2); each was closed on arrival.
	ErrExtraChannels = errors.New("peer: remote opened too many data channels")
	// ErrNegotiation wraps a failure to create or apply an offer or answer, to
	// add a candidate or a transceiver (protocol-0.18 §4.4).
	ErrNegotiation = errors.New("peer: negotiation failed")
	// ErrTrackNotAdded: RemoveTrack/ReplaceTrack for a (track, stream) pair
	// that was never added (simple-peer ERR_TRACK_NOT_ADDED).
	ErrTrackNotAdded = errors.New("peer: track was never added to that stream")
	// ErrTrackAdded: AddTrack for a pair that is already added
	// (simple-peer ERR_SENDER_ALREADY_ADDED).
	ErrTrackAdded = errors.New("peer: track has already been added to that stream")
	// ErrTrackRemoved: AddTrack for a pair that was removed before
	// (simple-peer ERR_SENDER_REMOVED: re-adding is not supported).
	ErrTrackRemoved = errors.New("peer: track has been removed; enable/disable tracks instead of re-adding")
)

package socket

import "sync"

// Reconnection is paused and resumed process-wide, as Trystero 0.25's
// pauseRelayReconnection and resumeRelayReconnection (core utils,
// protocol-0.25 §11.8): while paused, a relay connection that ends is not
// retried; on resume every connection waiting so is retried at once.
// Connections that are open stay open, and a retry already scheduled when
// the pause began goes ahead.
var pause struct {
	mu      sync.Mutex
	resumed chan struct{} // closed on resume; nil when not paused
}

// PauseReconnection pauses reconnecting; pausing twice is pausing once.
func PauseReconnection() {
	pause.mu.Lock()
	defer pause.mu.Unlock()
	if pause.resumed == nil {
		pause.resumed = make(chan struct{})
	}
}

// ResumeReconnection ends a pause; without one it does nothing.
func ResumeReconnection() {
	pause.mu.Lock()
	defer pause.mu.Unlock()
	if pause.resumed != nil {
		close(pause.resumed)
		pause.resumed = nil
	}
}

// Paused returns a channel closed when the current pause ends, or nil when
// reconnection is not paused.
func Paused() <-chan struct{} {
	pause.mu.Lock()
	defer pause.mu.Unlock()
	return pause.resumed
}

package socket

import "sync"

// Reconnection can be paused for every Socket of the process, as Trystero
// 0.25's pauseRelayReconnection (an app calls it when the device goes
// offline): a Socket whose connection ends while paused makes no attempt
// until ResumeReconnection, then reconnects at once, without counting the
// pause as a backoff step. Open connections are left alone.
var pause struct {
	mu      sync.Mutex
	resumed chan struct{} // nil while not paused
}

// PauseReconnection pauses reconnection; pausing again is a no-op.
func PauseReconnection() {
	pause.mu.Lock()
	defer pause.mu.Unlock()
	if pause.resumed == nil {
		pause.resumed = make(chan struct{})
	}
}

// ResumeReconnection lets paused Sockets reconnect; without a pause it is
// a no-op.
func ResumeReconnection() {
	pause.mu.Lock()
	defer pause.mu.Unlock()
	if pause.resumed != nil {
		close(pause.resumed)
		pause.resumed = nil
	}
}

// paused returns a channel closed at the next ResumeReconnection, or nil
// when reconnection is not paused.
func paused() <-chan struct{} {
	pause.mu.Lock()
	defer pause.mu.Unlock()
	return pause.resumed
}

//go:build !js

package peer

import (
	"errors"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

// TestCloseWaitsForSetLocalDescription: close waits for a
// setLocalDescription in progress, and a later one fails before reaching
// pion. Without this a Close inside pion's SetLocalDescription leaves an
// ICE agent running, which the package's leak check (TestMain) would find
// only when the timing hits that window.
func TestCloseWaitsForSetLocalDescription(t *testing.T) {
	c, err := newConn(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateDataChannel("x", nil); err != nil {
		t.Fatal(err)
	}
	offer, err := c.createOffer()
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	setLocalHook = func() {
		close(entered)
		<-release
	}
	t.Cleanup(func() { setLocalHook = nil })
	setDone := make(chan error, 1)
	go func() { setDone <- c.setLocalDescription(webrtc.SDPTypeOffer.String(), offer) }()
	<-entered
	closed := make(chan error, 1)
	go func() { closed <- c.close() }()
	select {
	case <-closed:
		t.Fatal("close returned while setLocalDescription was in progress")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := <-setDone; err != nil {
		t.Fatalf("setLocalDescription: %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("close: %v", err)
	}
	setLocalHook = nil
	if err := c.setLocalDescription(webrtc.SDPTypeOffer.String(), offer); !errors.Is(err, webrtc.ErrConnectionClosed) {
		t.Fatalf("setLocalDescription after close: %v, want ErrConnectionClosed", err)
	}
}

package posthorn

import (
	"testing"

	"github.com/posthorn/posthorn/internal/peer"
)

// bareLink016 needs pion's SettingEngine to advertise a smaller
// max-message-size (maxmsg_test.go); a browser has no such setting.
func bareLink016(t *testing.T, _ *member, _ string) (*peer.Peer, <-chan []byte) {
	t.Skip("the browser build cannot lower its max-message-size")
	return nil, nil
}

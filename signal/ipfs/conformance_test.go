//go:build !js

package ipfs

import (
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
)

// harness runs ipfs members with quick reconnects through the project's
// Waku service node (relay/waku); RelayURLs carry its multiaddr. The appId
// is the one of the 0.18 capture (vectors/018-ipfs-capture.json).
var harness = strategytest.Harness{
	New: func(t testing.TB, selfID string, log *slog.Logger) posthorn.Strategy {
		return New(&posthorn.Options{SelfID: selfID, Logger: log, Reconnect: &posthorn.ReconnectPolicy{Wait: 100 * time.Millisecond, MaxWait: time.Second}})
	},
	Relay: nodeKind,
	AppID: "test-app",
	URLOf: urlOf,
}

func TestConformance(t *testing.T) { strategytest.Run(t, harness) }

// TestChurn: joining and leaving rooms leaks nothing (strategytest.RunChurn).
func TestChurn(t *testing.T) { strategytest.RunChurn(t, harness) }

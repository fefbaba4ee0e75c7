package firebase

import (
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
)

// server is npm firebase-server, the offline Realtime Database, with the
// onDisconnect writes it lacks added by the fixture (scripts/npm-firebase-server,
// pinned by its package-lock.json). Its URL is a database URL.
var server = strategytest.NodeFixture{Dir: "npm-firebase-server", Script: "server.js", Module: "firebase-server"}

// harness runs firebase members with quick reconnects. There is no Go
// database: firebase-server is the suite's relay; RelayURLs carries its URL
// as the database URL.
var harness = strategytest.Harness{
	New: func(t testing.TB, selfID string, log *slog.Logger) posthorn.Strategy {
		return New(&posthorn.Options{SelfID: selfID, Logger: log, Reconnect: &posthorn.ReconnectPolicy{Wait: 100 * time.Millisecond, MaxWait: time.Second}})
	},
	Relay: server.Kind("firebase-server"),
}

func TestConformance(t *testing.T) { strategytest.Run(t, harness) }

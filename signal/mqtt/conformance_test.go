package mqtt

import (
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
)

// harness runs MQTT members with quick reconnects through our Go broker
// and, as a third party, mosquitto. The appId is the one of the 0.18
// capture (vectors/018-mqtt-capture.json), which capture_test replays.
var harness = strategytest.Harness{
	New: func(t testing.TB, selfID string, log *slog.Logger) posthorn.Strategy {
		return New(&posthorn.Options{SelfID: selfID, Logger: log, Reconnect: &posthorn.ReconnectPolicy{Wait: 100 * time.Millisecond, MaxWait: time.Second}})
	},
	Relay:      brokerKinds[0],
	ThirdParty: brokerKinds[1:],
	AppID:      "test-app",
	URLPath:    "/mqtt",
}

func TestConformance(t *testing.T) { strategytest.Run(t, harness) }

// TestChurn: joining and leaving rooms leaks nothing (strategytest.RunChurn).
func TestChurn(t *testing.T) { strategytest.RunChurn(t, harness) }

// harness025 is harness on the 0.25 protocol.
var harness025 = func() strategytest.Harness {
	h := harness
	h.Config.Protocol = posthorn.Protocol025
	return h
}()

// TestConformance025 runs the suite Go ↔ Go on the 0.25 protocol.
func TestConformance025(t *testing.T) { strategytest.Run(t, harness025) }

// TestChurn025 is TestChurn on the 0.25 protocol.
func TestChurn025(t *testing.T) { strategytest.RunChurn(t, harness025) }

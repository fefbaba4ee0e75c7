package mqtt

import (
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/signal"
)

// harness runs MQTT members with quick reconnects through our Go broker
// and, as a third party, mosquitto. The appId is the one of the 0.18
// capture (vectors/018-mqtt-capture.json), which capture_test replays.
var harness = strategytest.Harness{
	New: func(t testing.TB, selfID string, log *slog.Logger) signal.Strategy {
		return New(Options{SelfID: selfID, Logger: log,
			Client: ClientOptions{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}})
	},
	Relay:      brokerKinds[0],
	ThirdParty: brokerKinds[1:],
	AppID:      "test-app",
	URLPath:    "/mqtt",
}

func TestConformance(t *testing.T) { strategytest.Run(t, harness) }

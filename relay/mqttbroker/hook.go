package mqttbroker

import (
	"bytes"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// allowHook lets every client connect anonymously and publish or subscribe
// to any topic, as the public brokers Trystero defaults to do (protocol-0.18
// §7.3: no username or password).
type allowHook struct{ mqtt.HookBase }

func (*allowHook) ID() string { return "posthorn-allow-all" }

func (*allowHook) Provides(b byte) bool {
	return bytes.Contains([]byte{mqtt.OnConnectAuthenticate, mqtt.OnACLCheck}, []byte{b})
}

func (*allowHook) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

func (*allowHook) OnACLCheck(*mqtt.Client, string, bool) bool { return true }

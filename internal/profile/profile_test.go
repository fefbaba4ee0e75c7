package profile

import (
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/internal/v025/frame"
	"github.com/posthorn/posthorn/transfer"
)

// TestV025InternalActionVectors builds each internal action frame captured
// in 025-room-framing.json from V025's names and compares the bytes.
func TestV025InternalActionVectors(t *testing.T) {
	var v map[string]json.RawMessage
	if err := json.Unmarshal(testutil.Vector(t, "025-room-framing.json"), &v); err != nil {
		t.Fatal(err)
	}
	tok := frame.Token("test-app", "room-1")
	for _, c := range []struct {
		key, action string
		kind        transfer.Kind
		data        string
	}{
		{"onConnect_sentBeforeActivation", V025.HandshakeReady, transfer.KindString, ""},
		{"ping", V025.Ping, transfer.KindString, ""},
		{"reply to incoming @_ping", V025.Pong, transfer.KindString, ""},
		{"leave", V025.Leave, transfer.KindString, ""},
		{"signal forwarded over datachannel", V025.Signal, transfer.KindJSON, `{"type":"offer","sdp":"v=0\r\n"}`},
	} {
		var fs []struct {
			Type    string `json:"type"`
			Nonce   uint32 `json:"nonce"`
			FullHex string `json:"fullHex"`
		}
		if err := json.Unmarshal(v[c.key], &fs); err != nil || len(fs) != 1 {
			t.Fatalf("%s: %v", c.key, err)
		}
		if fs[0].Type != c.action {
			t.Errorf("%s: captured type %q, profile says %q", c.key, fs[0].Type, c.action)
		}
		tr, err := V025.Framing.Encode(c.action, fs[0].Nonce, c.kind, []byte(c.data), nil)
		if err != nil {
			t.Fatal(err)
		}
		ch, _ := tr.Next()
		msg, err := frame.AppendRoom(nil, tok, ch)
		if err != nil || hex.EncodeToString(msg) != fs[0].FullHex {
			t.Errorf("%s: %x, %v\nwant %s", c.key, msg, err, fs[0].FullHex)
		}
	}
}

func TestNames(t *testing.T) {
	for _, p := range []Profile{V018, V025} {
		if err := p.Framing.Validate(); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{p.Ping, p.Pong, p.Signal, p.Stream, p.Track} {
			if err := p.Framing.CheckAction(n); err != nil || !p.Internal(n) {
				t.Errorf("%s: %q: %v", p.Name, n, err)
			}
		}
		if p.Internal("chat") || p.Internal("") {
			t.Errorf("%s: chat or \"\" counted as internal", p.Name)
		}
	}
	for _, n := range []string{"@_leave", "@_hsdata", "@_hsready", "@_response"} {
		if !V025.Internal(n) || V018.Internal(n) {
			t.Errorf("%q internal in 0.25 only", n)
		}
	}
}

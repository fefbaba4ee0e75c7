//go:build !js

package turn

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// relayOnlyJS makes the page's peer connection, relay-only through ice,
// and defines window.localSDP(), which waits for ICE gathering to complete
// (non-trickle, like Trystero) and returns the local description.
func relayOnlyJS(ice string) string {
	return `window.pc = new RTCPeerConnection({iceServers: [` + ice + `], iceTransportPolicy: 'relay'});
window.got = null;
window.localSDP = async () => {
  await new Promise(r => {
    if (pc.iceGatheringState === 'complete') return r();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r());
  });
  return pc.localDescription.sdp;
};
window.selectedTypes = async () => {
  const stats = await pc.getStats();
  for (const s of stats.values()) {
    if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) {
      return [stats.get(s.localCandidateId).candidateType, stats.get(s.remoteCandidateId).candidateType];
    }
  }
  return [];
};
true`
}

// chromiumPair opens two pages with relay-only peer connections using ice
// and negotiates between them; it returns the pages and the offer's SDP.
func chromiumPair(t *testing.T, b *browsertest.Browser, ice string) (a, z *browsertest.Page, offer string) {
	t.Helper()
	a, z = b.NewPage(t, "about:blank"), b.NewPage(t, "about:blank")
	a.Eval(t, relayOnlyJS(ice), nil)
	z.Eval(t, relayOnlyJS(ice), nil)
	a.Eval(t, `window.dc = pc.createDataChannel('test'); dc.onopen = () => dc.send('through the relay'); true`, nil)
	z.Eval(t, `pc.ondatachannel = e => { e.channel.onmessage = m => { window.got = m.data } }; true`, nil)
	offer = browsertest.EvalAs[string](t, a, `(async () => { await pc.setLocalDescription(await pc.createOffer()); return localSDP() })()`)
	quoted, _ := json.Marshal(offer)
	answer := browsertest.EvalAs[string](t, z, `(async () => {
  await pc.setRemoteDescription({type: 'offer', sdp: `+string(quoted)+`});
  await pc.setLocalDescription(await pc.createAnswer());
  return localSDP();
})()`)
	quoted, _ = json.Marshal(answer)
	a.Eval(t, `pc.setRemoteDescription({type: 'answer', sdp: `+string(quoted)+`}).then(() => true)`, nil)
	return a, z, offer
}

// Two Chromium peers forced to iceTransportPolicy 'relay' connect through
// posthorn's TURN, over UDP and over TCP, and exchange data.
func TestChromiumPairConnectsThroughTURN(t *testing.T) {
	s := startTURN(t)
	b := browsertest.Launch(t)
	for _, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			user, pass := Credentials(testSecret, "test", time.Hour)
			ice := fmt.Sprintf(`{urls: 'turn:127.0.0.1:%d?transport=%s', username: %q, credential: %q}`, s.Port(), transport, user, pass)
			a, z, offer := chromiumPair(t, b, ice)
			if !strings.Contains(offer, "typ relay") || strings.Contains(offer, "typ host") {
				t.Fatalf("offer candidates are not relay-only:\n%s", offer)
			}
			z.WaitFor(t, `window.got === 'through the relay'`, 60*time.Second)
			if types := browsertest.EvalAs[[]string](t, a, `selectedTypes()`); len(types) != 2 || types[0] != "relay" || types[1] != "relay" {
				t.Fatalf("selected candidate pair %v, want relay on both ends", types)
			}
		})
	}
}

// With a wrong password Chromium gets no allocation and no candidate.
func TestChromiumWrongCredentialsDoNotConnect(t *testing.T) {
	s := startTURN(t)
	b := browsertest.Launch(t)
	user, _ := Credentials(testSecret, "test", time.Hour)
	ice := fmt.Sprintf(`{urls: 'turn:127.0.0.1:%d?transport=udp', username: %q, credential: 'wrong'}`, s.Port(), user)
	a, z, offer := chromiumPair(t, b, ice)
	if strings.Contains(offer, "a=candidate") {
		t.Fatalf("a candidate was gathered with a wrong password:\n%s", offer)
	}
	time.Sleep(2 * time.Second)
	if got := browsertest.EvalAs[any](t, z, `window.got`); got != nil {
		t.Fatalf("data arrived with a wrong password: %v", got)
	}
	if st := browsertest.EvalAs[string](t, a, `pc.iceConnectionState`); st == "connected" || st == "completed" {
		t.Fatalf("connected with a wrong password: %s", st)
	}
	if n := s.Allocations(); n != 0 {
		t.Fatalf("%d allocations with a wrong password", n)
	}
}

//go:build !js

package ipfs

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/internal/waku"
)

// call is one recorded @waku/sdk call of the capture: [name, encoder
// options, payload].
type call []json.RawMessage

// capture is vectors/018-ipfs-capture.json: what the real 0.18.0 ipfs.js
// passed to a recording @waku/sdk.
type capture struct {
	SelfID              string `json:"selfId"`
	OnJoin              []call `json:"onJoin"`
	AfterRemoteAnnounce []call `json:"afterRemoteAnnounce"`
	AfterRemoteOffer    []call `json:"afterRemoteOffer"`
	Periodic            []call `json:"periodic"`
}

// send is a captured lightPush.send: the encoder's options and the payload.
type send struct {
	ContentTopic string
	Ephemeral    bool
	Payload      string
}

func (c call) send(t *testing.T) send {
	t.Helper()
	var name string
	var s send
	var enc struct {
		ContentTopic string `json:"contentTopic"`
		Ephemeral    bool   `json:"ephemeral"`
	}
	if len(c) != 3 || json.Unmarshal(c[0], &name) != nil || name != "lightPush.send" ||
		json.Unmarshal(c[1], &enc) != nil || json.Unmarshal(c[2], &s.Payload) != nil {
		t.Fatalf("not a lightPush.send: %s", c)
	}
	s.ContentTopic, s.Ephemeral = enc.ContentTopic, enc.Ephemeral
	return s
}

// subscribed returns the decoder topic of a captured subscribe call.
func (c call) subscribed(t *testing.T) string {
	t.Helper()
	var name string
	var decs []struct {
		DecoderTopic string `json:"decoderTopic"`
	}
	if len(c) != 2 || json.Unmarshal(c[0], &name) != nil || name != "subscribe" || json.Unmarshal(c[1], &decs) != nil || len(decs) != 1 {
		t.Fatalf("not a subscribe: %s", c)
	}
	return decs[0].DecoderTopic
}

func loadCapture(t *testing.T) capture {
	t.Helper()
	var c capture
	if err := json.Unmarshal(testutil.Vector(t, "018-ipfs-capture.json"), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func jsString(t *testing.T, s string) string {
	b, err := jsjson.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sdpOf returns the peerId and sdp member of an offer/answer payload.
func sdpOf(t *testing.T, payload string) (peerID, sdp string) {
	var m struct {
		PeerID string
		Offer  *struct{ SDP string }
		Answer *struct{ SDP string }
	}
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		t.Fatalf("payload %q: %v", payload, err)
	}
	switch {
	case m.Offer != nil:
		return m.PeerID, m.Offer.SDP
	case m.Answer != nil:
		return m.PeerID, m.Answer.SDP
	}
	t.Fatalf("payload %q has neither offer nor answer", payload)
	return "", ""
}

// sameShape checks that got is the captured payload want with its selfId
// and sdp replaced by ours: same members, same order, same escaping.
func sameShape(t *testing.T, got []byte, want, selfID, sdp string) {
	t.Helper()
	vecSelf, vecSDP := sdpOf(t, want)
	exp := strings.Replace(want, jsString(t, vecSelf), jsString(t, selfID), 1)
	exp = strings.Replace(exp, jsString(t, vecSDP), jsString(t, sdp), 1)
	if string(got) != exp {
		t.Fatalf("payload\n got %s\nwant %s", got, exp)
	}
}

// spy is a plain light client of the node, subscribed to topics.
func spy(t *testing.T, addr string, topics ...string) (*waku.Client, chan waku.Message) {
	t.Helper()
	ch := make(chan waku.Message, 64)
	c, err := waku.Dial(strategytest.Ctx(t), addr, waku.Options{OnPush: func(p waku.Push) { ch <- p.Message }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if err := c.Subscribe(strategytest.Ctx(t), waku.DefaultPubsubTopic, topics); err != nil {
		t.Fatal(err)
	}
	return c, ch
}

// nextOn returns the next message on topic, skipping others.
func nextOn(t *testing.T, ch chan waku.Message, topic string) waku.Message {
	t.Helper()
	timeout := time.After(strategytest.WaitTimeout)
	for {
		select {
		case m := <-ch:
			if m.ContentTopic == topic {
				return m
			}
		case <-timeout:
			t.Fatalf("no message on %s", topic)
		}
	}
}

// checkSend checks that m is what the captured send s describes: its
// content topic, ephemeral, version 0 and a timestamp.
func checkSend(t *testing.T, m waku.Message, s send) {
	t.Helper()
	if m.ContentTopic != s.ContentTopic || m.Ephemeral != s.Ephemeral || m.Version != 0 || m.Timestamp <= 0 {
		t.Fatalf("message %+v, captured %+v (version 0, a timestamp)", m, s)
	}
}

func publish(t *testing.T, c *waku.Client, topic, payload string) {
	t.Helper()
	if err := c.LightPush(strategytest.Ctx(t), waku.DefaultPubsubTopic, &waku.Message{
		Payload: []byte(payload), ContentTopic: topic, Timestamp: time.Now().UnixNano(), Ephemeral: true,
	}); err != nil {
		t.Fatal(err)
	}
}

// TestCapture replays the captured 0.18 ipfs exchange through the Waku
// node: the member subscribes to the root and self topics and light-pushes
// the raw selfId on the root topic; an announcement from an unknown peer
// is answered with an offer on that peer's topic, an offer on our topic
// with an answer on the offerer's, every message ephemeral and version 0;
// payloads have the captured member order and escaping; with a password
// the sdp is an envelope of §3.
func TestCapture(t *testing.T) {
	vec := loadCapture(t)
	const root = "trystero/test-app/room-1"
	if got := []string{vec.OnJoin[3].subscribed(t), vec.OnJoin[4].subscribed(t)}; !slices.Equal(got, []string{root, root + "/" + vec.SelfID}) {
		t.Fatalf("captured subscriptions %v", got)
	}
	for _, password := range []string{"", "hunter2"} {
		t.Run("password="+password, func(t *testing.T) {
			node := startNode(t)
			remote1, remote2 := "REMOTEPEER0000000001", "REMOTEPEER0000000002"
			sp, ch := spy(t, node.URL, root, root+"/"+remote1, root+"/"+remote2)
			m := strategytest.Join(t, harness, "room-1", posthorn.Config{RelayURLs: []string{node.URL}, Password: password})
			var cbc *crypt.CBC
			if password != "" {
				cbc = crypt.NewCBC(password, "room-1")
			}
			open := func(sdp string) string {
				if cbc == nil {
					return sdp
				}
				plain, err := cbc.Decrypt(sdp)
				if err != nil {
					t.Fatalf("sdp is not an envelope for the room key: %v", err)
				}
				return plain
			}

			// onJoin: the announcement, raw selfId on the root topic.
			ann := vec.OnJoin[5].send(t)
			got := nextOn(t, ch, root)
			checkSend(t, got, ann)
			if string(got.Payload) != m.ID || ann.Payload != vec.SelfID {
				t.Fatalf("announcement %q, want the raw selfId %q", got.Payload, m.ID)
			}
			if p := vec.Periodic[0].send(t); p != ann {
				t.Fatalf("captured periodic announcement %+v differs from the first %+v", p, ann)
			}

			// afterRemoteAnnounce: an offer to the newcomer on its topic.
			publish(t, sp, root, remote1)
			want := vec.AfterRemoteAnnounce[0].send(t)
			got = nextOn(t, ch, root+"/"+remote1)
			checkSend(t, got, want)
			_, sdp := sdpOf(t, string(got.Payload))
			if !strings.HasPrefix(open(sdp), "v=0\r\n") {
				t.Fatalf("offer sdp %q", sdp)
			}
			sameShape(t, got.Payload, want.Payload, m.ID, sdp)

			// afterRemoteOffer: a real offer from remote2 gets an answer.
			offer := realOffer(t)
			wire := offer
			if cbc != nil {
				var err error
				if wire, err = cbc.Encrypt(offer); err != nil {
					t.Fatal(err)
				}
			}
			publish(t, sp, root+"/"+m.ID, `{"peerId":`+jsString(t, remote2)+`,"offer":{"type":"offer","sdp":`+jsString(t, wire)+`}}`)
			want = vec.AfterRemoteOffer[0].send(t)
			got = nextOn(t, ch, root+"/"+remote2)
			checkSend(t, got, want)
			_, sdp = sdpOf(t, string(got.Payload))
			if !strings.Contains(open(sdp), "a=setup:") {
				t.Fatalf("answer sdp %q", open(sdp))
			}
			sameShape(t, got.Payload, want.Payload, m.ID, sdp)
		})
	}
}

// realOffer makes a non-trickle offer SDP with pion, as a remote would.
func realOffer(t *testing.T) string {
	p, err := peer.New(peer.Config{Initiator: true, RTCConfig: &webrtc.Configuration{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	ch := make(chan peer.Signal, 1)
	p.OnSignal(func(s peer.Signal) {
		select {
		case ch <- s:
		default:
		}
	})
	var s peer.Signal
	select {
	case s = <-ch:
	case <-time.After(strategytest.WaitTimeout):
		t.Fatal("no local offer")
	}
	if s.Type != "offer" || !bytes.Contains([]byte(s.SDP), []byte("a=candidate")) {
		t.Fatalf("not a non-trickle offer: %+v", s)
	}
	return s.SDP
}

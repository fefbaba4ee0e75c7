package turn

import (
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/internal/relaytest"
)

const testSecret = "posthorn-test-secret"

func startTURN(t *testing.T) *Server {
	t.Helper()
	testutil.RequireNetns(t)
	s, err := Start(Config{
		Addr: "127.0.0.1:0", PublicIP: net.IPv4(127, 0, 0, 1), Secret: testSecret,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// relayOnly returns a peer connection that may only use relayed candidates
// from server.
func relayOnly(t *testing.T, server webrtc.ICEServer) *webrtc.PeerConnection {
	t.Helper()
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{
		ICEServers:         []webrtc.ICEServer{server},
		ICETransportPolicy: webrtc.ICETransportPolicyRelay,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc
}

// negotiate runs offer/answer between a and b with complete gathering.
func negotiate(t *testing.T, a, b *webrtc.PeerConnection) {
	t.Helper()
	offer, err := a.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(a)
	if err := a.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	if err := b.SetRemoteDescription(*a.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	answer, err := b.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered = webrtc.GatheringCompletePromise(b)
	if err := b.SetLocalDescription(answer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	if err := a.SetRemoteDescription(*b.LocalDescription()); err != nil {
		t.Fatal(err)
	}
}

// Two native peers forced to relay-only connect through posthorn's TURN,
// over UDP and over TCP, and exchange data.
func TestNativePairConnectsThroughTURN(t *testing.T) {
	for _, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			s := startTURN(t)
			user, pass := Credentials(testSecret, "test", time.Hour)
			server := webrtc.ICEServer{
				URLs:     []string{fmt.Sprintf("turn:127.0.0.1:%d?transport=%s", s.Port(), transport)},
				Username: user, Credential: pass,
			}
			a, b := relayOnly(t, server), relayOnly(t, server)
			got := make(chan string, 1)
			b.OnDataChannel(func(dc *webrtc.DataChannel) {
				dc.OnMessage(func(m webrtc.DataChannelMessage) { got <- string(m.Data) })
			})
			dc, err := a.CreateDataChannel("test", nil)
			if err != nil {
				t.Fatal(err)
			}
			dc.OnOpen(func() { dc.SendText("through the relay") })
			negotiate(t, a, b)
			if sdp := a.LocalDescription().SDP; !strings.Contains(sdp, "typ relay") || strings.Contains(sdp, "typ host") {
				t.Fatalf("offer candidates are not relay-only:\n%s", sdp)
			}
			select {
			case m := <-got:
				if m != "through the relay" {
					t.Fatalf("got %q", m)
				}
			case <-time.After(relaytest.Patience):
				t.Fatalf("no data through TURN (a %v, b %v)", a.ICEConnectionState(), b.ICEConnectionState())
			}
			pair, err := a.SCTP().Transport().ICETransport().GetSelectedCandidatePair()
			if err != nil || pair == nil || pair.Local.Typ != webrtc.ICECandidateTypeRelay || pair.Remote.Typ != webrtc.ICECandidateTypeRelay {
				t.Fatalf("selected pair %v, %v: want relay on both ends", pair, err)
			}
			if n := s.Allocations(); n < 2 {
				t.Fatalf("%d allocations, want one per peer at least", n)
			}
		})
	}
}

// Credentials not minted with the server's secret, or expired, get no
// allocation: a relay-only peer then has no candidate at all.
func TestWrongCredentialsDoNotConnect(t *testing.T) {
	s := startTURN(t)
	goodUser, _ := Credentials(testSecret, "test", time.Hour)
	expiredUser, expiredPass := Credentials(testSecret, "test", -time.Hour)
	for name, creds := range map[string][2]string{
		"wrong password": {goodUser, "not-the-password"},
		"other secret":   func() [2]string { u, p := Credentials("other-secret", "test", time.Hour); return [2]string{u, p} }(),
		"expired":        {expiredUser, expiredPass},
	} {
		t.Run(name, func(t *testing.T) {
			server := webrtc.ICEServer{
				URLs:     []string{fmt.Sprintf("turn:127.0.0.1:%d?transport=udp", s.Port())},
				Username: creds[0], Credential: creds[1],
			}
			a, b := relayOnly(t, server), relayOnly(t, server)
			if _, err := a.CreateDataChannel("test", nil); err != nil {
				t.Fatal(err)
			}
			negotiate(t, a, b)
			if sdp := a.LocalDescription().SDP; strings.Contains(sdp, "a=candidate") {
				t.Fatalf("a candidate was gathered with bad credentials:\n%s", sdp)
			}
			if n := s.Allocations(); n != 0 {
				t.Fatalf("%d allocations with bad credentials", n)
			}
			time.Sleep(time.Second)
			if st := a.ICEConnectionState(); st == webrtc.ICEConnectionStateConnected || st == webrtc.ICEConnectionStateCompleted {
				t.Fatalf("connected with bad credentials: %v", st)
			}
		})
	}
}

//go:build !js

package posthorn

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/transfer"
)

// TestFrameSignalRenegotiation runs a renegotiation over the data channel:
// the bare non-initiator sends the spec's renegotiate chunk, the Room feeds
// it to its initiator peer, whose fresh offer the Room sends back as a
// __516n4L__ chunk; the bare peer's answer goes the same way.
func TestFrameSignalRenegotiation(t *testing.T) {
	v := loadVectors(t)
	var reneg []vectorChunk
	if err := json.Unmarshal(v["signal renegotiate (internal)"], &reneg); err != nil {
		t.Fatal(err)
	}
	m := newMember(t)
	bare, chunks := bareLink(t, m, "bare")
	ctx := testCtx(t)
	f := chunk.Framing018
	var nonces chunk.NonceCounter
	nonces.Next(f) // nonce 0 is the vector chunk below
	bare.OnSignal(func(s peer.Signal) {
		b, _ := s.MarshalJSON()
		tx, err := nonces.Encode(f, "__516n4L__", transfer.KindJSON, b, nil)
		if err != nil {
			t.Error(err)
			return
		}
		for i := range tx.Len() {
			if err := bare.Send(ctx, tx.AppendChunk(nil, i)); err != nil {
				t.Error(err)
			}
		}
	})
	if err := bare.Send(ctx, mustHex(t, reneg[0].FullHex)); err != nil {
		t.Fatal(err)
	}
	re := chunk.NewReassembler(f, transfer.Limits{})
	var offer *transfer.Message
	for offer == nil {
		ch, err := f.Parse(recv(t, chunks, "offer chunk"))
		if err != nil {
			t.Fatal(err)
		}
		if ch.Type != "__516n4L__" {
			t.Fatalf("unexpected chunk type %q", ch.Type)
		}
		if offer, _, err = re.Push(ch); err != nil {
			t.Fatal(err)
		}
	}
	s, err := peer.ParseSignal(offer.Data)
	if err != nil || s.Type != peer.TypeOffer || !strings.HasPrefix(s.SDP, "v=0") {
		t.Fatalf("signal over the channel = %+v, %v; want an offer", s, err)
	}
	if !bytes.HasPrefix(offer.Data, []byte(`{"type":"offer","sdp":"v=0`)) {
		t.Errorf("offer JSON not in simple-peer member order: %.40s", offer.Data)
	}
	if err := bare.Signal(s); err != nil { // the answer goes back via OnSignal above
		t.Fatal(err)
	}
	// The Room routes the bare peer's answer to its initiator: negotiation
	// completes with exactly that answer.
	x := m.room.Peers()["bare"]
	deadline := time.Now().Add(waitTimeout)
	for {
		rd, ld := x.CurrentRemoteDescription(), bare.PeerConnection().CurrentLocalDescription()
		if x.SignalingState() == webrtc.SignalingStateStable && rd != nil && ld != nil &&
			ld.Type == webrtc.SDPTypeAnswer && rd.SDP == ld.SDP && x.CurrentLocalDescription().SDP == s.SDP {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("renegotiation answer did not reach the Room's peer")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

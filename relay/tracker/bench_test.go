package tracker

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkAnnounceCriticalSection measures what one announce carrying 10
// offers of a 2 KB SDP costs while the tracker's lock is held ("locked":
// handle, which decides who gets what) and what encoding the 11 messages
// costs ("encode"), which handle's caller now does after releasing the
// lock; before, both ran under it. In a swarm of 32 peers.
func BenchmarkAnnounceCriticalSection(b *testing.B) {
	const peers, offers, infoHash = 32, 10, "5v555w112h626i264rj4"
	s := New(Config{})
	defer s.Close()
	conns := make([]*conn, peers)
	for i := range conns {
		conns[i] = newConn(nil) // handle only decides; nothing is sent here
		req, err := ParseRequest(fmt.Appendf(nil, `{"action":"announce","info_hash":"%s","peer_id":"%s"}`, infoHash, pid(i)))
		if err != nil {
			b.Fatal(err)
		}
		s.handle(conns[i], req, nil)
	}
	sdp := strings.Repeat(`a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host\r\n`, 35)
	var os []string
	for j := range offers {
		os = append(os, fmt.Sprintf(`{"offer_id":"OFFER%015d","offer":{"type":"offer","sdp":"%s"}}`, j, sdp))
	}
	req, err := ParseRequest(fmt.Appendf(nil, `{"action":"announce","info_hash":"%s","peer_id":"%s","numwant":%d,"offers":[%s]}`,
		infoHash, pid(0), offers, strings.Join(os, ",")))
	if err != nil {
		b.Fatal(err)
	}
	out := s.handle(conns[0], req, nil)
	if len(out) != 1+offers {
		b.Fatalf("%d messages, want %d", len(out), 1+offers)
	}

	b.Run("locked", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out = s.handle(conns[0], req, out[:0])
		}
	})
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, o := range out {
				encode(o.msg)
			}
		}
	})
}

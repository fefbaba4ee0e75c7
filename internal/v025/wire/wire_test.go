package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/testutil"
)

func load(t *testing.T, name string, v any) {
	t.Helper()
	if err := json.Unmarshal(testutil.Vector(t, name), v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// compact returns raw JSON without whitespace, members in the file's order
// (the order the JS sender wrote them).
func compact(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestNostrCaptureMessages re-encodes every message content of the nostr
// capture, byte for byte, and decrypts its ciphertexts.
func TestNostrCaptureMessages(t *testing.T) {
	var v struct {
		SelfID  string              `json:"selfId"`
		Initial [][]json.RawMessage `json:"initialMessages"`
	}
	load(t, "025-nostr-capture.json", &v)
	var evs map[string]json.RawMessage
	load(t, "025-nostr-capture.json", &evs)
	g := crypt.NewGCM("", "test-app", "room-1")
	check := func(name string, content json.RawMessage, decrypted string, wantKind Kind, wantOfferID string) {
		t.Helper()
		m, err := Parse(content) // the content is a string or, decoded by the harness, an object
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.PeerID != v.SelfID || m.Kind != wantKind || m.OfferID != wantOfferID {
			t.Errorf("%s: parsed %+v", name, m)
		}
		want := []byte(content)
		var s string
		if json.Unmarshal(content, &s) == nil {
			want = []byte(s)
		} else {
			want = compact(t, content)
		}
		if got := m.Marshal(); !bytes.Equal(got, want) {
			t.Errorf("%s: Marshal = %s\nwant           %s", name, got, want)
		}
		if decrypted != "" {
			if plain, err := g.Decrypt(m.Cipher); err != nil || plain != decrypted {
				t.Errorf("%s: decrypted %q, %v", name, plain, err)
			}
		}
	}
	for i, ev := range v.Initial[1:] {
		var e struct {
			Content json.RawMessage `json:"content"`
		}
		if err := json.Unmarshal(ev[1], &e); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprint("announce ", i), e.Content, "", KindAnnounce, "")
	}
	var groups map[string][]struct {
		Content   json.RawMessage `json:"content"`
		Decrypted string          `json:"decrypted"`
	}
	raw, _ := json.Marshal(map[string]json.RawMessage{
		"afterAnnounceFromLargerId":  evs["afterAnnounceFromLargerId"],
		"afterAnnounceFromSmallerId": evs["afterAnnounceFromSmallerId"],
		"afterOfferFromSmaller":      evs["afterOfferFromSmaller"],
	})
	if err := json.Unmarshal(raw, &groups); err != nil {
		t.Fatal(err)
	}
	offer := groups["afterAnnounceFromLargerId"][0]
	var oid struct {
		OfferID string `json:"offerId"`
	}
	_ = json.Unmarshal(offer.Content, &oid)
	if len(oid.OfferID) != 12 {
		t.Errorf("offerId %q: want 12 characters", oid.OfferID)
	}
	check("offer", offer.Content, offer.Decrypted, KindOffer, oid.OfferID)
	check("nudge", groups["afterAnnounceFromSmallerId"][0].Content, "", KindAnnounce, "")
	after := groups["afterOfferFromSmaller"]
	check("answer", after[0].Content, after[0].Decrypted, KindAnswer, "OFFERID00001")
	check("candidate", after[1].Content, after[1].Decrypted, KindCandidate, "OFFERID00001")
	check("re-announce", after[2].Content, "", KindAnnounce, "")
}

// TestOtherStrategyAnnouncements checks the announcement every other
// strategy capture published.
func TestOtherStrategyAnnouncements(t *testing.T) {
	var ws struct {
		SelfID string   `json:"selfId"`
		Sent   []string `json:"sent"`
	}
	load(t, "025-ws-capture.json", &ws)
	for _, s := range ws.Sent[2:] {
		var f struct {
			Type    string `json:"type"`
			Payload string `json:"payload"` // a JSON string inside JSON (§14.11)
		}
		if err := json.Unmarshal([]byte(s), &f); err != nil || f.Type != "publish" || f.Payload != string(Announce(ws.SelfID, false)) {
			t.Errorf("ws publish %s", s)
		}
	}

	var mq struct {
		SelfID   string              `json:"selfId"`
		Calls    [][]json.RawMessage `json:"mqttCalls"`
		Supabase [][]json.RawMessage `json:"supabase"`
	}
	load(t, "025-mqtt-supabase-capture.json", &mq)
	for _, c := range mq.Calls[2:] {
		var payload string
		if err := json.Unmarshal(c[2], &payload); err != nil || payload != string(Announce(mq.SelfID, false)) {
			t.Errorf("mqtt publish %s", c[2])
		}
	}
	for _, c := range mq.Supabase[5:] {
		var send struct {
			Event   string          `json:"event"`
			Payload json.RawMessage `json:"payload"` // the announce as an object
		}
		if err := json.Unmarshal(c[2], &send); err != nil || send.Event != "join" || !bytes.Equal(compact(t, send.Payload), Announce(mq.SelfID, false)) {
			t.Errorf("supabase send %s", c[2])
		}
		if m, err := Parse(send.Payload); err != nil || m.Kind != KindAnnounce || m.PeerID != mq.SelfID {
			t.Errorf("supabase payload parsed %+v, %v", m, err)
		}
	}

	var fb struct {
		SelfID string              `json:"selfId"`
		Log    [][]json.RawMessage `json:"log"`
	}
	load(t, "025-firebase-capture.json", &fb)
	for _, i := range []int{3, 5} {
		var set struct {
			Presence json.RawMessage `json:"_"`
		}
		if err := json.Unmarshal(fb.Log[i][2], &set); err != nil || !bytes.Equal(compact(t, set.Presence), Announce(fb.SelfID, false)) {
			t.Errorf("firebase presence %s", fb.Log[i][2])
		}
	}

	var ipfs struct {
		SelfID string              `json:"selfId"`
		Log    [][]json.RawMessage `json:"log"`
	}
	load(t, "025-ipfs-capture.json", &ipfs)
	for _, c := range ipfs.Log[5:] {
		var payload string
		if err := json.Unmarshal(c[2], &payload); err != nil || payload != string(Announce(ipfs.SelfID, false)) {
			t.Errorf("ipfs push %s", c[2])
		}
	}
}

// TestTorrentCaptures re-encodes the captured announce and answer byte for
// byte and decrypts their descriptions, with and without password.
func TestTorrentCaptures(t *testing.T) {
	for _, c := range []struct {
		file, password string
	}{{"025-torrent-capture.json", ""}, {"025-torrent-capture-password.json", "hunter2"}} {
		var v struct {
			SelfID         string          `json:"selfId"`
			AnnounceRaw    json.RawMessage `json:"announce"`
			AnswerRaw      json.RawMessage `json:"answer"`
			DecryptedOffer string          `json:"decryptedFirstOffer"`
			DecryptedAns   string          `json:"decryptedAnswer"`
			Label          string          `json:"dataChannelLabel"`
		}
		load(t, c.file, &v)
		var a torrentAnnounce
		if err := json.Unmarshal(v.AnnounceRaw, &a); err != nil {
			t.Fatal(err)
		}
		if got, want := TorrentAnnounce(a.InfoHash, v.SelfID, a.Offers), compact(t, v.AnnounceRaw); !bytes.Equal(got, want) {
			t.Errorf("%s: announce = %s\nwant %s", c.file, got, want)
		}
		if len(a.Offers) != TorrentOffers || a.NumWant != TorrentOffers {
			t.Errorf("%s: %d offers, numwant %d", c.file, len(a.Offers), a.NumWant)
		}
		g := crypt.NewGCM(c.password, "test-app", "room-1")
		if plain, err := g.Decrypt(a.Offers[0].Offer.SDP); err != nil || plain != v.DecryptedOffer {
			t.Errorf("%s: first offer %q, %v", c.file, plain, err)
		}
		for _, o := range a.Offers {
			if len(o.OfferID) != 20 || o.Offer.Type != "offer" {
				t.Errorf("%s: offer entry %+v", c.file, o)
			}
			if _, err := g.Decrypt(o.Offer.SDP); err != nil {
				t.Errorf("%s: offer %s: %v", c.file, o.OfferID, err)
			}
		}
		var ans torrentAnswer
		if err := json.Unmarshal(v.AnswerRaw, &ans); err != nil {
			t.Fatal(err)
		}
		if got, want := TorrentAnswer(ans.InfoHash, v.SelfID, ans.ToPeerID, ans.OfferID, ans.Answer.SDP), compact(t, v.AnswerRaw); !bytes.Equal(got, want) {
			t.Errorf("%s: answer = %s\nwant %s", c.file, got, want)
		}
		if plain, err := g.Decrypt(ans.Answer.SDP); err != nil || plain != v.DecryptedAns {
			t.Errorf("%s: answer %q, %v", c.file, plain, err)
		}
		other := crypt.NewGCM(map[string]string{"": "hunter2", "hunter2": ""}[c.password], "test-app", "room-1")
		if _, err := other.Decrypt(ans.Answer.SDP); !errors.Is(err, crypt.ErrDecrypt) {
			t.Errorf("%s: the other password decrypted: %v", c.file, err)
		}
	}
	if got := string(TorrentAnnounce("h", "p", nil)); !strings.HasSuffix(got, `"offers":[]}`) {
		t.Errorf("empty announce %s", got)
	}
}

func TestEncoders(t *testing.T) {
	for _, c := range []struct {
		got  []byte
		want string
	}{
		{Announce("A", false), `{"peerId":"A"}`},
		{Announce("A", true), `{"peerId":"A","passive":true}`},
		{Offer("A", "O", "c", false), `{"peerId":"A","offerId":"O","offer":"c"}`},
		{Offer("A", "O", "c", true), `{"peerId":"A","offerId":"O","offer":"c","passive":true}`},
		{Answer("A", "c", "O", false), `{"peerId":"A","answer":"c","offerId":"O"}`},
		{Answer("A", "c", "", true), `{"peerId":"A","answer":"c","passive":true}`},
		{Candidate("A", "c", "O", false, false), `{"peerId":"A","candidate":"c","offerId":"O"}`},
		{Candidate("A", "c", "O", true, false), `{"peerId":"A","offerId":"O","candidate":"c"}`},
		{Candidate("A", "1,2$x+/<>", "O", true, true), `{"peerId":"A","offerId":"O","candidate":"1,2$x+/<>","passive":true}`},
	} {
		if string(c.got) != c.want {
			t.Errorf("got  %s\nwant %s", c.got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		``, `null`, `[]`, `7`, `"x"`, `"null"`, `{}`, `{"peerId":""}`, `{"peerId":7}`,
		`{"peerId":"A","offer":""}`, `{"peerId":"A","offer":{"type":"offer","sdp":"v=0"}}`,
		`{"peerId":"A","answer":null}`, `{"peerId":"A","candidate":1}`,
		`{"peerId":"A","offer":"x","answer":"y"}`, `{"peerId":"A"` + strings.Repeat(" ", MaxMessage) + `}`,
	} {
		if m, err := Parse([]byte(in)); !errors.Is(err, ErrMessage) {
			t.Errorf("Parse(%.40s) = %+v, %v", in, m, err)
		}
	}
	for in, want := range map[string]Message{
		`{"peerId":"A","offerId":7,"passive":"true"}`:      {PeerID: "A"},
		`"{\"peerId\":\"A\",\"answer\":\"c\"}"`:            {PeerID: "A", Kind: KindAnswer, Cipher: "c"},
		`{"peerId":"A","candidate":"c","passive":true}`:    {PeerID: "A", Kind: KindCandidate, Cipher: "c", Passive: true},
		`{"passive":false,"offer":"c","peerId":"A","x":1}`: {PeerID: "A", Kind: KindOffer, Cipher: "c"},
	} {
		if m, err := Parse([]byte(in)); err != nil || m != want {
			t.Errorf("Parse(%s) = %+v, %v; want %+v", in, m, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"peerId":"Z6x5zW6p8hDNj3zsew4l","offerId":"giBvIUTV1Fpe","offer":"1,2$AA=="}`))
	f.Add([]byte(`"{\"peerId\":\"A\"}"`))
	f.Add([]byte(`{"peerId":"A","candidate":"c","offerId":"O","passive":true}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			if !errors.Is(err, ErrMessage) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if m.PeerID == "" || (m.Kind != KindAnnounce) != (m.Cipher != "") {
			t.Fatalf("accepted %+v", m)
		}
		again, err := Parse(m.Marshal())
		if err != nil || again != m {
			t.Fatalf("round trip %+v → %+v, %v", m, again, err)
		}
	})
}

func ExampleParse() {
	m, _ := Parse([]byte(`{"peerId":"zzzz","answer":"1,2$AA==","offerId":"giBvIUTV1Fpe"}`))
	fmt.Println(m.Kind, m.PeerID, m.OfferID)
	// Output: answer zzzz giBvIUTV1Fpe
}

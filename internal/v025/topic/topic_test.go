package topic

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
)

func load(t *testing.T, name string, v any) {
	t.Helper()
	if err := json.Unmarshal(testutil.Vector(t, name), v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestCryptoTopicsVector(t *testing.T) {
	var v struct {
		SelfID          string `json:"selfId"`
		RootPlain       string `json:"rootTopicPlaintext"`
		Root            string `json:"rootTopic"`
		RootSha1Hex     string `json:"rootTopicSha1Hex"`
		SelfTopicABC    string `json:"selfTopicFor_ABCDEFGHIJ0123456789"`
		InfoHash        string `json:"torrentInfoHash"`
		KindRoot        int    `json:"nostrKindRoot"`
		KindSelfExample int    `json:"nostrKindSelfTopicExample"`
		IPFSRoot        string `json:"ipfsContentTopicRoot"`
		SupabaseRoot    string `json:"supabaseChannelRoot"`
		StrToNum        int    `json:"strToNumAppId"`
	}
	load(t, "025-crypto-topics.json", &v)
	r := ForRoom("test-app", "room-1")
	sum := sha1.Sum([]byte(r.Path))
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"path", r.Path, v.RootPlain},
		{"root sha1", hex.EncodeToString(sum[:]), v.RootSha1Hex},
		{"root", r.Root, v.Root},
		{"self topic", r.Peer("ABCDEFGHIJ0123456789"), v.SelfTopicABC},
		{"info_hash", r.InfoHash(), v.InfoHash},
		{"kind root", NostrKind(r.Root), v.KindRoot},
		{"kind self", NostrKind(r.Peer("ABCDEFGHIJ0123456789")), v.KindSelfExample},
		{"content topic", ContentTopic(r.Root), v.IPFSRoot},
		{"supabase", SupabaseChannel(r.Root), v.SupabaseRoot},
		{"strToNum", StrToNum("test-app"), v.StrToNum},
		// protocol-0.25 §4: computed with the real @waku/utils function.
		{"pubsub", PubsubTopic(r.Root), "/waku/2/rs/1/6"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestCaptureTopics checks the topics every strategy capture subscribed and
// published to against the derivations, for the capture's own selfId.
func TestCaptureTopics(t *testing.T) {
	r := ForRoom("test-app", "room-1")

	var nostr struct {
		SelfID   string `json:"selfId"`
		Root     string `json:"rootTopic"`
		Self     string `json:"selfTopic"`
		BigPeer  string `json:"bigPeerTopic"`
		ToLarger []struct {
			Kind int        `json:"kind"`
			Tag  [][]string `json:"tag"`
		} `json:"afterAnnounceFromLargerId"`
	}
	load(t, "025-nostr-capture.json", &nostr)
	var raw struct {
		Initial [][]json.RawMessage `json:"initialMessages"`
	}
	load(t, "025-nostr-capture.json", &raw)
	if nostr.Root != r.Root || nostr.Self != r.Peer(nostr.SelfID) {
		t.Errorf("nostr topics %s %s, want %s %s", nostr.Root, nostr.Self, r.Root, r.Peer(nostr.SelfID))
	}
	var filter struct {
		Kinds []int    `json:"kinds"`
		X     []string `json:"#x"`
	}
	if err := json.Unmarshal(raw.Initial[0][2], &filter); err != nil {
		t.Fatal(err)
	}
	// protocol-0.25 §11.2: one batched REQ, self topic before root topic.
	wantKinds := []int{NostrKind(nostr.Self), NostrKind(r.Root)}
	if len(filter.Kinds) != 2 || filter.Kinds[0] != wantKinds[0] || filter.Kinds[1] != wantKinds[1] {
		t.Errorf("REQ kinds %v, want %v", filter.Kinds, wantKinds)
	}
	if len(filter.X) != 2 || filter.X[0] != nostr.Self || filter.X[1] != r.Root {
		t.Errorf("REQ #x %v", filter.X)
	}
	for _, ev := range raw.Initial[1:] {
		var e struct {
			Kind int        `json:"kind"`
			Tags [][]string `json:"tags"`
		}
		if err := json.Unmarshal(ev[1], &e); err != nil {
			t.Fatal(err)
		}
		if e.Kind != NostrKind(r.Root) || e.Tags[0][1] != r.Root {
			t.Errorf("announce event kind %d tag %v", e.Kind, e.Tags)
		}
	}
	for _, ev := range nostr.ToLarger {
		if ev.Tag[0][1] != nostr.BigPeer || ev.Kind != NostrKind(nostr.BigPeer) {
			t.Errorf("offer event kind %d on %v, want %d on %s", ev.Kind, ev.Tag, NostrKind(nostr.BigPeer), nostr.BigPeer)
		}
	}

	var torrent struct {
		Announce struct {
			InfoHash string `json:"info_hash"`
		} `json:"announce"`
	}
	for _, f := range []string{"025-torrent-capture.json", "025-torrent-capture-password.json"} {
		load(t, f, &torrent)
		if torrent.Announce.InfoHash != r.InfoHash() {
			t.Errorf("%s: info_hash %s, want %s", f, torrent.Announce.InfoHash, r.InfoHash())
		}
	}

	var ws struct {
		SelfID string   `json:"selfId"`
		Sent   []string `json:"sent"`
	}
	load(t, "025-ws-capture.json", &ws)
	for i, want := range []string{r.Peer(ws.SelfID), r.Root, r.Root, r.Root} {
		var m struct{ Topic string }
		if err := json.Unmarshal([]byte(ws.Sent[i]), &m); err != nil || m.Topic != want {
			t.Errorf("ws frame %d topic %q (%v), want %s", i, m.Topic, err, want)
		}
	}

	var mq struct {
		SelfID   string              `json:"selfId"`
		Calls    [][]json.RawMessage `json:"mqttCalls"`
		Supabase [][]json.RawMessage `json:"supabase"`
	}
	load(t, "025-mqtt-supabase-capture.json", &mq)
	for i, want := range []string{r.Peer(mq.SelfID), r.Root, r.Root, r.Root} {
		var topic string
		if err := json.Unmarshal(mq.Calls[i][1], &topic); err != nil || topic != want {
			t.Errorf("mqtt call %d topic %q (%v), want %s", i, topic, err, want)
		}
	}
	// Supabase's appId is the project URL, hashed into the topics all the same.
	sr := ForRoom("https://xyz.supabase.co", "room-1")
	for i, want := range map[int]string{1: SupabaseChannel(sr.Peer(mq.SelfID)), 3: SupabaseChannel(sr.Root), 5: SupabaseChannel(sr.Root)} {
		var ch string
		if err := json.Unmarshal(mq.Supabase[i][1], &ch); err != nil || ch != want {
			t.Errorf("supabase call %d channel %q (%v), want %s", i, ch, err, want)
		}
	}

	var ipfs struct {
		SelfID string              `json:"selfId"`
		Log    [][]json.RawMessage `json:"log"`
	}
	load(t, "025-ipfs-capture.json", &ipfs)
	for i, want := range map[int]string{3: ContentTopic(r.Peer(ipfs.SelfID)), 4: ContentTopic(r.Root)} {
		var sub struct {
			Decoder struct {
				ContentTopic string `json:"contentTopic"`
			} `json:"decoder"`
		}
		if err := json.Unmarshal(ipfs.Log[i][1], &sub); err != nil || sub.Decoder.ContentTopic != want {
			t.Errorf("ipfs call %d content topic %q (%v), want %s", i, sub.Decoder.ContentTopic, err, want)
		}
	}

	// The firebase capture's appId (a database URL) is not recorded, so
	// only the shape of its paths can be checked: <root>/<rootTopic>/<selfTopic>.
	var fb struct {
		Log [][]json.RawMessage `json:"log"`
	}
	load(t, "025-firebase-capture.json", &fb)
	var inbox string
	if err := json.Unmarshal(fb.Log[0][1], &inbox); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^__trystero__/[0-9a-z]{20,40}/[0-9a-z]{20,40}$`).MatchString(inbox) {
		t.Errorf("firebase inbox path %q", inbox)
	}
}

func TestNostrKindRange(t *testing.T) {
	for _, s := range []string{"", "a", "\U0001F600", string([]byte{0xff}), "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"} {
		if k := NostrKind(s); k < 20000 || k > 29999 {
			t.Errorf("NostrKind(%q) = %d", s, k)
		}
	}
	// A non-BMP character counts as its two UTF-16 code units, as in JS.
	if got, want := StrToNum("\U0001F600"), 0xD83D+0xDE00; got != want {
		t.Errorf("StrToNum(emoji) = %d, want %d", got, want)
	}
}

func FuzzSha1B36(f *testing.F) {
	f.Add("Trystero@test-app@room-1")
	f.Fuzz(func(t *testing.T, s string) {
		h := Sha1B36(s)
		if len(h) < 20 || len(h) > 40 {
			t.Fatalf("len %d", len(h))
		}
		if ih := (Room{Root: h}).InfoHash(); len(ih) != 20 {
			t.Fatalf("info_hash %q", ih)
		}
	})
}

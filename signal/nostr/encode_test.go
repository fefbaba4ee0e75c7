package nostr

import (
	"testing"

	"github.com/posthorn/posthorn/internal/nip01"
	"github.com/posthorn/posthorn/internal/testutil"
)

// The reference encodings: encoding/json (through jsjson) on nip01.Event,
// structs and slices with the members in Trystero's orders. The encoders
// under test write the bytes themselves.
type (
	refFilter struct {
		Kinds []int    `json:"kinds"`
		Since int64    `json:"since"`
		X     []string `json:"#x"`
	}
	refEvent025 struct {
		Kind      int        `json:"kind"`
		Tags      [][]string `json:"tags"`
		CreatedAt int64      `json:"created_at"`
		Content   string     `json:"content"`
		PubKey    string     `json:"pubkey"`
		ID        string     `json:"id"`
		Sig       string     `json:"sig"`
	}
)

func FuzzEncodersMatchReflection(f *testing.F) {
	f.Add(29333, int64(1733500000), "x", "trystero/app/room", `{"peerId":"P","offer":{"type":"offer","sdp":"v=0\r\n"}}`, "ab", 2)
	f.Add(-1, int64(-5), "\u2028", "<&>\x00\xff", "é😀\"\\", "", 0)
	f.Fuzz(func(t *testing.T, kind int, at int64, tag, value, content, hexish string, ntags int) {
		tags := make([][]string, ntags&3)
		for i := range tags {
			tags[i] = []string{tag, value}[:i%3&1+1]
		}
		if ntags&4 != 0 {
			tags = nil
		}
		e := nip01.Event{Kind: kind, Content: content, PubKey: hexish, CreatedAt: at, Tags: tags, ID: hexish + "1", Sig: hexish + "2"}
		jsTags := tags
		if jsTags == nil {
			jsTags = [][]string{}
		}
		check := func(what string, got []byte, ref any) { testutil.SameAsMarshal(t, what, got, ref) }
		check("Serialize", e.Serialize(), []any{0, e.PubKey, e.CreatedAt, e.Kind, jsTags, e.Content})
		ev018 := e // nip01.Event's own members are in 0.18's order
		ev018.Tags = jsTags
		check("Marshal", e.Marshal(), ev018)
		check("EVENT 0.18", eventMessage(e, false), []any{"EVENT", ev018})
		check("EVENT 0.25", eventMessage(e, true), []any{"EVENT", refEvent025{e.Kind, jsTags, e.CreatedAt, e.Content, e.PubKey, e.ID, e.Sig}})
		kinds, topics := []int{kind, kind + 1}[:ntags&1+1], []string{tag, value}[:ntags&2/2+1]
		check("REQ", reqMessage(content, kinds, topics, at), []any{"REQ", content, refFilter{kinds, at, topics}})
		check("CLOSE", closeMessage(content), []any{"CLOSE", content})
	})
}

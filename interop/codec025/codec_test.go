package codec025

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/v025/frame"
	"github.com/posthorn/posthorn/internal/v025/handshake"
	"github.com/posthorn/posthorn/internal/v025/relays"
	"github.com/posthorn/posthorn/internal/v025/topic"
	"github.com/posthorn/posthorn/transfer"
)

// fixtureDir is interop/js025.
func fixtureDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "js025")
}

// runCore runs codec.mjs on in and decodes its output into out.
func runCore(t *testing.T, in, out any) {
	t.Helper()
	dir := fixtureDir()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@trystero-p2p", "core")); err != nil {
		t.Skip("npm fixture not installed: run scripts/deps (npm ci in interop/js025)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found; it runs the real @trystero-p2p/core")
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "codec.mjs")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(b)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("node codec.mjs: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatalf("decoding node's output: %v", err)
	}
}

// randText returns a random string of up to n runes mixing ASCII,
// separators Trystero uses, accented letters, CJK and emoji.
func randText(r *rand.Rand, n int) string {
	pool := []rune("abcXYZ019 :@$,/-_.éüßЖ中文字🙂🚀\u2028\t")
	var b strings.Builder
	for range r.IntN(n + 1) {
		b.WriteRune(pool[r.IntN(len(pool))])
	}
	return b.String()
}

type cryptoCase struct {
	Password   string `json:"password"`
	App        string `json:"app"`
	Room       string `json:"room"`
	Plain      string `json:"plain"`
	GoEnvelope string `json:"goEnvelope"`
	wrong      bool
}

// chunkCase is one send: data of a kind (text for string and JSON, hex for
// binary) and metadata as JSON text (nil: none).
type chunkCase struct {
	Action string  `json:"action"`
	Kind   string  `json:"kind"`
	Text   string  `json:"text"`
	Hex    string  `json:"hex"`
	Meta   *string `json:"meta"`
}

// chunkCases returns sends of every kind, sizes around the chunk boundary,
// with and without metadata of every JSON type, on a few action names
// (multi-byte ones included) so that nonces advance.
func chunkCases(r *rand.Rand) []chunkCase {
	actions := []string{"chat", "12345678901234567890123456789012", "чат-ファイル", "@x"}
	metas := []string{`7`, `null`, `false`, `"s"`, `{"name":"x"}`, `[1,{"a":"<&>"}]`, `0.5`}
	jsons := []string{`{"a":1}`, `[1,2,3]`, `null`, `true`, `-12`, `3.5`, `{"nested":{"x":["é",null]}}`, `[]`}
	sizes := []int{0, 1, 100, 16347, 16348, 16349, 32696, 40000}
	var cs []chunkCase
	for range 60 {
		c := chunkCase{Action: actions[r.IntN(len(actions))]}
		switch r.IntN(3) {
		case 0:
			c.Kind = "string"
			c.Text = randText(r, 50)
			if r.IntN(4) == 0 {
				c.Text = strings.Repeat("é", sizes[r.IntN(len(sizes))]/2)
			}
		case 1:
			c.Kind = "json"
			c.Text = jsons[r.IntN(len(jsons))]
		default:
			c.Kind = "binary"
			b := make([]byte, sizes[r.IntN(len(sizes))])
			for i := range b {
				b[i] = byte(r.IntN(256))
			}
			c.Hex = hex.EncodeToString(b)
		}
		if r.IntN(2) == 0 {
			m := metas[r.IntN(len(metas))]
			c.Meta = &m
		}
		cs = append(cs, c)
	}
	return cs
}

// encode is posthorn's side of a chunk case: Framing025 with the action's
// nonce counter.
func encode(t *testing.T, n *chunk.NonceCounter, c chunkCase) []string {
	t.Helper()
	kind, data := transfer.KindString, []byte(c.Text)
	switch c.Kind {
	case "json":
		kind = transfer.KindJSON
	case "binary":
		kind = transfer.KindBinary
		data, _ = hex.DecodeString(c.Hex)
	}
	var meta []byte
	if c.Meta != nil {
		meta = []byte(*c.Meta)
	}
	tx, err := n.Encode(chunk.Framing025, c.Action, kind, data, meta)
	if err != nil {
		t.Fatalf("encoding %+v: %v", c, err)
	}
	var out []string
	for b, ok := tx.Next(); ok; b, ok = tx.Next() {
		out = append(out, hex.EncodeToString(b))
	}
	return out
}

type hsCase struct {
	Password  string `json:"password"`
	App       string `json:"app"`
	Room      string `json:"room"`
	Challenge string `json:"challenge"`
}

func TestAgainstRealCore(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))

	var in struct {
		Sha1      []string     `json:"sha1"`
		Rooms     [][2]string  `json:"rooms"`
		Crypto    []cryptoCase `json:"crypto"`
		Handshake []hsCase     `json:"handshake"`
		Apps      []string     `json:"apps"`
		List      []int        `json:"list"`
		Chunks    []chunkCase  `json:"chunks"`
		GoChunks  [][]string   `json:"goChunks"`
	}
	for range 200 {
		app, room := randText(r, 30), randText(r, 30)
		in.Sha1 = append(in.Sha1, topic.ForRoom(app, room).Path, topic.ForRoom(app, room).Path+"@"+randText(r, 20), randText(r, 60))
		in.Rooms = append(in.Rooms, [2]string{app, room})
		in.Apps = append(in.Apps, app)
	}
	// Long app ids give seeds beyond fdlibm's medium reduction range.
	in.Apps = append(in.Apps, strings.Repeat("中", 100), strings.Repeat("🙂", 40), strings.Repeat("z", 20000), "test-app", "")
	for i := range 28 {
		in.List = append(in.List, i)
	}
	for range 100 {
		c := cryptoCase{App: randText(r, 20), Room: randText(r, 20), Plain: randText(r, 400)}
		if r.IntN(2) == 0 {
			c.Password = randText(r, 12)
		}
		c.wrong = r.IntN(4) == 0
		pw := c.Password
		if c.wrong {
			pw += "x"
		}
		var err error
		if c.GoEnvelope, err = crypt.NewGCM(pw, c.App, c.Room).Encrypt(c.Plain); err != nil {
			t.Fatal(err)
		}
		in.Crypto = append(in.Crypto, c)
		in.Handshake = append(in.Handshake, hsCase{Password: "pw" + randText(r, 12), App: c.App, Room: c.Room, Challenge: randText(r, 36)})
	}

	in.Chunks = chunkCases(r)
	nonces := map[string]*chunk.NonceCounter{}
	for _, c := range in.Chunks {
		n := nonces[c.Action]
		if n == nil {
			n = &chunk.NonceCounter{}
			nonces[c.Action] = n
		}
		in.GoChunks = append(in.GoChunks, encode(t, n, c))
	}

	var out struct {
		Relays struct {
			Nostr, MQTT, Torrent []string
		} `json:"relays"`
		Sha1   []string `json:"sha1"`
		Tokens []string `json:"tokens"`
		Crypto []struct {
			Envelope string  `json:"envelope"`
			GoPlain  *string `json:"goPlain"`
		} `json:"crypto"`
		Handshake []struct {
			Kind string `json:"__trystero_pw"`
			H    string `json:"h"`
		} `json:"handshake"`
		Chunks   [][]string `json:"chunks"`
		Received []struct {
			Action  string `json:"action"`
			Payload struct {
				Hex  *string `json:"hex"`
				Text *string `json:"text"`
				JSON *string `json:"json"`
			} `json:"payload"`
			Meta *string `json:"meta"`
		} `json:"received"`
		StrToNum   []int      `json:"strToNum"`
		Shuffles   [][]int    `json:"shuffles"`
		NostrPicks [][]string `json:"nostrPicks"`
	}
	runCore(t, in, &out)

	for i, s := range in.Sha1 {
		if got := topic.Sha1B36(s); got != out.Sha1[i] {
			t.Errorf("Sha1B36(%q) = %s, core %s", s, got, out.Sha1[i])
		}
	}
	for i, ar := range in.Rooms {
		if got := frame.Token(ar[0], ar[1]); got != out.Tokens[i] {
			t.Errorf("Token(%q, %q) = %s, core %s", ar[0], ar[1], got, out.Tokens[i])
		}
	}
	for i, c := range in.Crypto {
		res := out.Crypto[i]
		plain, err := crypt.NewGCM(c.Password, c.App, c.Room).Decrypt(res.Envelope)
		if err != nil || plain != c.Plain {
			t.Errorf("case %d: decrypting core's envelope: %q, %v", i, plain, err)
		}
		switch {
		case c.wrong && res.GoPlain != nil:
			t.Errorf("case %d: core decrypted an envelope sealed with another password", i)
		case !c.wrong && (res.GoPlain == nil || *res.GoPlain != c.Plain):
			t.Errorf("case %d: core could not decrypt posthorn's envelope", i)
		}
	}
	for i, c := range in.Handshake {
		if got := handshake.Hash(c.Challenge, c.Password, c.App, c.Room); out.Handshake[i].Kind != "response" || got != out.Handshake[i].H {
			t.Errorf("handshake %d: Hash = %s, core %+v", i, got, out.Handshake[i])
		}
	}
	for i, a := range in.Apps {
		if got := topic.StrToNum(a); got != out.StrToNum[i] {
			t.Errorf("StrToNum(%.20q) = %d, core %d", a, got, out.StrToNum[i])
		}
		if got := relays.Shuffle(in.List, topic.StrToNum(a)); !slices.Equal(got, out.Shuffles[i]) {
			t.Errorf("Shuffle(seed %d) = %v, core %v", topic.StrToNum(a), got, out.Shuffles[i])
		}
		if got := relays.Nostr.Pick(a, 0); !slices.Equal(got, out.NostrPicks[i]) {
			t.Errorf("Nostr.Pick(%.20q) = %v, core %v", a, got, out.NostrPicks[i])
		}
	}
	// Chunks: the real sender's bytes equal posthorn's, and the real
	// receiver rebuilds every message posthorn encoded, metadata included.
	if len(out.Chunks) != len(in.Chunks) || len(out.Received) != len(in.Chunks) {
		t.Fatalf("core sent %d and received %d messages of %d", len(out.Chunks), len(out.Received), len(in.Chunks))
	}
	for i, c := range in.Chunks {
		if !slices.Equal(out.Chunks[i], in.GoChunks[i]) {
			t.Errorf("chunks of case %d (%s %s, %d bytes, meta %v) differ:\ncore     %.200v\nposthorn %.200v", i, c.Action, c.Kind, len(c.Text)+len(c.Hex)/2, c.Meta, out.Chunks[i], in.GoChunks[i])
		}
		got := out.Received[i]
		var payload *string
		switch c.Kind {
		case "binary":
			payload = got.Payload.Hex
		case "json":
			payload = got.Payload.JSON
		default:
			payload = got.Payload.Text
		}
		want := c.Text
		if c.Kind == "binary" {
			want = c.Hex
		}
		if got.Action != c.Action || payload == nil || *payload != want {
			t.Errorf("case %d: core received %+v", i, got)
		}
		if (got.Meta == nil) != (c.Meta == nil) || (c.Meta != nil && *got.Meta != *c.Meta) {
			t.Errorf("case %d: core received metadata %v, sent %v", i, got.Meta, c.Meta)
		}
	}
	for name, c := range map[string][2][]string{
		"nostr":   {relays.Nostr.URLs, out.Relays.Nostr},
		"mqtt":    {relays.MQTT.URLs, out.Relays.MQTT},
		"torrent": {relays.Torrent.URLs, out.Relays.Torrent},
	} {
		if !slices.Equal(c[0], c[1]) {
			t.Errorf("%s default relays %v, package %v", name, c[0], c[1])
		}
	}
}

package codec025

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/v025/frame"
	"github.com/posthorn/posthorn/internal/v025/handshake"
	"github.com/posthorn/posthorn/internal/v025/relays"
	"github.com/posthorn/posthorn/internal/v025/topic"
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

package relays

import (
	"encoding/json"
	"math"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
)

// shuffleVector reads 025-nostr-relay-shuffle.txt: a JSON header (seed, list
// length, chosen relays), then V8's Math.sin of seed, seed+1, ….
func shuffleVector(t *testing.T) (seed, n int, chosen []string, sins []float64) {
	t.Helper()
	text := string(testutil.Vector(t, "025-nostr-relay-shuffle.txt"))
	i := strings.Index(text, "\n[")
	var head struct {
		Seed   int      `json:"seed"`
		N      int      `json:"n"`
		Chosen []string `json:"chosen"`
	}
	if i < 0 || json.Unmarshal([]byte(text[:i]), &head) != nil || json.Unmarshal([]byte(text[i:]), &sins) != nil {
		t.Fatal("cannot read the shuffle vector")
	}
	return head.Seed, head.N, head.Chosen, sins
}

func TestV8SinVector(t *testing.T) {
	seed, _, _, sins := shuffleVector(t)
	goDiffers := 0
	for i, want := range sins {
		x := float64(seed + i)
		if got := v8Sin(x); got != want {
			t.Errorf("v8Sin(%v) = %v, want %v", x, got, want)
		}
		if math.Sin(x) != want {
			goDiffers++
		}
	}
	// The reason for the port: math.Sin is off in the last bit for some.
	if goDiffers == 0 {
		t.Log("math.Sin matched every value of this vector")
	}
}

func TestNostrPickVector(t *testing.T) {
	seed, n, chosen, _ := shuffleVector(t)
	if len(Nostr.URLs) != n || seed != 814 {
		t.Fatalf("list of %d relays, vector has %d (seed %d)", len(Nostr.URLs), n, seed)
	}
	if got := Nostr.Pick("test-app", 0); !slices.Equal(got, chosen) {
		t.Fatalf("Pick = %v\nwant   %v", got, chosen)
	}
	var capture struct {
		RelayURLs []string `json:"relayUrls"`
	}
	if err := json.Unmarshal(testutil.Vector(t, "025-nostr-capture.json"), &capture); err != nil {
		t.Fatal(err)
	}
	if got := Nostr.Pick("test-app", 0); !slices.Equal(got, capture.RelayURLs) {
		t.Fatalf("Pick = %v, the capture used %v", got, capture.RelayURLs)
	}
}

func TestOtherPickVectors(t *testing.T) {
	var torrent struct {
		RelayURLs []string `json:"relayUrls"`
	}
	if err := json.Unmarshal(testutil.Vector(t, "025-torrent-capture.json"), &torrent); err != nil {
		t.Fatal(err)
	}
	if got := Torrent.Pick("test-app", 0); !slices.Equal(got, torrent.RelayURLs) {
		t.Errorf("torrent Pick = %v, want %v", got, torrent.RelayURLs)
	}
	var mq struct {
		Brokers []string `json:"mqttBrokers"`
	}
	if err := json.Unmarshal(testutil.Vector(t, "025-mqtt-supabase-capture.json"), &mq); err != nil {
		t.Fatal(err)
	}
	if got := MQTT.Pick("test-app", 0); !slices.Equal(got, mq.Brokers) {
		t.Errorf("mqtt Pick = %v, want %v", got, mq.Brokers)
	}
	if got := MQTT.Pick("x", 99); len(got) != len(MQTT.URLs) {
		t.Errorf("redundancy above the list: %d relays", len(got))
	}
}

func TestShuffleIsPermutation(t *testing.T) {
	for seed := range 200 {
		got := Shuffle(Nostr.URLs, seed)
		if len(got) != len(Nostr.URLs) || !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(Nostr.URLs))) {
			t.Fatalf("seed %d: not a permutation: %v", seed, got)
		}
	}
}

// TestV8SinProperties checks the port where its branches meet: around
// multiples of π/2, at the medium/large boundary, for tiny, negative and
// non-finite arguments, against a 1200-bit reference within one ulp (fdlibm's
// bound; math.Sin is further off near multiples of π).
func TestV8SinProperties(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 1e-300, -1e-9, 0.3, 0.78125, math.Pi / 4, math.Pi / 2, -math.Pi / 2, 3 * math.Pi / 4, math.Pi, 1e6, 823549.6, 823550.5, -1.7e6, 1e22, math.MaxFloat64, -math.MaxFloat64}
	for k := 1; k < 40; k++ {
		xs = append(xs, float64(k)*math.Pi/2, math.Nextafter(float64(k)*math.Pi/2, 0))
	}
	for _, x := range xs {
		got, want := v8Sin(x), refSin(x)
		if math.Abs(got-want) > ulp(want) {
			t.Errorf("v8Sin(%v) = %v, reference %v", x, got, want)
		}
	}
	for _, x := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		if !math.IsNaN(v8Sin(x)) {
			t.Errorf("v8Sin(%v) is not NaN", x)
		}
	}
	if math.Signbit(v8Sin(math.Copysign(0, -1))) != true {
		t.Error("sin(-0) must be -0")
	}
}

// refSin is sin(x) from an exact reduction and a Taylor series in big floats.
func refSin(x float64) float64 {
	if pio2, _ := bigPio2.Float64(); pio2 != math.Pi/2 {
		panic("π/2 is wrong")
	}
	t := new(big.Float).SetPrec(bigPrec).SetFloat64(x)
	q := new(big.Float).SetPrec(bigPrec).Quo(t, bigPio2)
	qi, _ := q.Int(nil)
	r := new(big.Float).SetPrec(bigPrec).Mul(new(big.Float).SetPrec(bigPrec).SetInt(qi), bigPio2)
	r.Sub(t, r) // x − k·π/2, in [0, π/2) for x ≥ 0
	// sin(r + k·π/2) from the series of sin and cos of r.
	sin, cos := new(big.Float).SetPrec(bigPrec), new(big.Float).SetPrec(bigPrec)
	term := new(big.Float).SetPrec(bigPrec).SetInt64(1)
	for n := int64(0); n < 400; n++ {
		if n > 0 {
			term.Mul(term, r)
			term.Quo(term, new(big.Float).SetInt64(n))
		}
		v := new(big.Float).Set(term)
		switch n % 4 {
		case 0:
			cos.Add(cos, v)
		case 1:
			sin.Add(sin, v)
		case 2:
			cos.Sub(cos, v)
		case 3:
			sin.Sub(sin, v)
		}
	}
	k := new(big.Int).Mod(qi, big.NewInt(4)).Int64()
	var res *big.Float
	switch k {
	case 0:
		res = sin
	case 1:
		res = cos
	case 2:
		res = sin.Neg(sin)
	default:
		res = cos.Neg(cos)
	}
	f, _ := res.Float64()
	return f
}

func ulp(x float64) float64 {
	x = math.Abs(x)
	return math.Nextafter(x, math.Inf(1)) - x + math.SmallestNonzeroFloat64
}

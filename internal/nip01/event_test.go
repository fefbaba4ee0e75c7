package nip01

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
)

// TestKeysFromSecret: BIP-340's x-only public keys (test vectors 0 and 1 of
// the BIP), and secrets outside 1..n-1 refused.
func TestKeysFromSecret(t *testing.T) {
	tests := []struct {
		secret, public string
		ok             bool
	}{
		{strings.Repeat("0", 63) + "3", "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9", true},
		{"b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef", "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", true},
		{strings.Repeat("0", 64), "", false},
		{"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", "", false}, // n
		{"abc", "", false},
	}
	for _, tc := range tests {
		k, err := KeysFromSecret(tc.secret)
		if (err == nil) != tc.ok || k.PublicKey != tc.public {
			t.Errorf("KeysFromSecret(%s) = %q, %v; want %q, ok %v", tc.secret, k.PublicKey, err, tc.public, tc.ok)
		}
	}
}

// TestSignVerify: a signed event verifies; one with a string no JS peer
// could hold is refused before signing.
func TestSignVerify(t *testing.T) {
	k := NewKeys()
	e := Event{Kind: 29333, Content: `"<é>"`, CreatedAt: 1, Tags: [][]string{{"x", "trystero/a/r"}}}
	if err := k.Sign(&e); err != nil {
		t.Fatal(err)
	}
	if err := e.Verify(); err != nil {
		t.Fatal(err)
	}
	bad := Event{Kind: 29333, Content: "a\xffb"}
	if err := k.Sign(&bad); !errors.Is(err, ErrEventShape) {
		t.Fatalf("Sign(invalid UTF-8) = %v, want ErrEventShape", err)
	}
}

// TestVerifyCaptured: events that Trystero 0.18 (nostr-tools) signed verify,
// and fail once their signature is altered.
func TestVerifyCaptured(t *testing.T) {
	var capture struct {
		OfferEvent  []json.RawMessage `json:"offerEvent"`
		AnswerEvent []json.RawMessage `json:"answerEvent"`
	}
	if err := json.Unmarshal(testutil.Vector(t, "018-nostr-capture.json"), &capture); err != nil {
		t.Fatal(err)
	}
	for _, msg := range [][]json.RawMessage{capture.OfferEvent, capture.AnswerEvent} {
		var e Event
		if err := json.Unmarshal(msg[1], &e); err != nil {
			t.Fatal(err)
		}
		if err := e.Verify(); err != nil {
			t.Fatalf("captured event %s: %v", e.ID, err)
		}
		flip := "0"
		if e.Sig[0] == '0' {
			flip = "1"
		}
		e.Sig = flip + e.Sig[1:]
		if err := e.Verify(); !errors.Is(err, ErrSignature) {
			t.Fatalf("altered signature: %v, want ErrSignature", err)
		}
	}
}

package crypt

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
)

type vector025 struct {
	KeyInput      string `json:"aesGcmKeyInput"`
	KeyHex        string `json:"aesGcmKeyHex"`
	KeyHexNoPass  string `json:"aesGcmKeyHexNoPassword"`
	RealEncrypt   string `json:"realEncryptOutputExample"`
	RealRoundTrip string `json:"realRoundTrip"`
	FixedIV       struct {
		Plaintext string `json:"plaintext"`
		IVHex     string `json:"ivHex"`
		CTHex     string `json:"ciphertextPlusTagHex"`
		Envelope  string `json:"envelope"`
		Decrypted string `json:"decryptedByRealDecrypt"`
	} `json:"fixedIvExample"`
}

func loadVector025(t *testing.T) vector025 {
	t.Helper()
	var v vector025
	if err := json.Unmarshal(testutil.Vector(t, "025-crypto-topics.json"), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestKeyGCMVector(t *testing.T) {
	v := loadVector025(t)
	if v.KeyInput != "hunter2:test-app:room-1" {
		t.Fatalf("unexpected key input %q", v.KeyInput)
	}
	if got := hex.EncodeToString(KeyGCM("hunter2", "test-app", "room-1")); got != v.KeyHex {
		t.Errorf("key = %s, want %s", got, v.KeyHex)
	}
	if got := hex.EncodeToString(KeyGCM("", "test-app", "room-1")); got != v.KeyHexNoPass {
		t.Errorf("key without password = %s, want %s", got, v.KeyHexNoPass)
	}
}

func TestGCMFixedIVVector(t *testing.T) {
	v := loadVector025(t)
	g := NewGCM("hunter2", "test-app", "room-1")
	ivb, _ := hex.DecodeString(v.FixedIV.IVHex)
	var iv [gcmNonceLen]byte
	copy(iv[:], ivb)
	if got := g.encryptIV(v.FixedIV.Plaintext, iv); got != v.FixedIV.Envelope {
		t.Fatalf("envelope = %s\nwant       %s", got, v.FixedIV.Envelope)
	}
	ct := g.aead.Seal(nil, iv[:], []byte(v.FixedIV.Plaintext), nil)
	if got := hex.EncodeToString(ct); got != v.FixedIV.CTHex {
		t.Fatalf("ciphertext‖tag = %s, want %s", got, v.FixedIV.CTHex)
	}
	if plain, err := g.Decrypt(v.FixedIV.Envelope); err != nil || plain != v.FixedIV.Decrypted {
		t.Fatalf("Decrypt = %q, %v", plain, err)
	}
	// An envelope made by the real encrypt() with a random IV.
	if plain, err := g.Decrypt(v.RealEncrypt); err != nil || plain != v.RealRoundTrip {
		t.Fatalf("Decrypt(real) = %q, %v; want %q", plain, err, v.RealRoundTrip)
	}
	// Without a password the key differs, so the same envelope fails.
	if _, err := NewGCM("", "test-app", "room-1").Decrypt(v.FixedIV.Envelope); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("Decrypt without password: %v, want ErrDecrypt", err)
	}
}

func TestGCMRoundTripAndErrors(t *testing.T) {
	g := NewGCM("", "app", "room")
	for _, s := range []string{"", "x", "v=0\r\nünïcødé", strings.Repeat("a=candidate\r\n", 100)} {
		env, err := g.Encrypt(s)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := g.Decrypt(env); err != nil || got != s {
			t.Fatalf("round trip %q = %q, %v", s, got, err)
		}
		for _, other := range []*GCM{NewGCM("pw", "app", "room"), NewGCM("", "app2", "room"), NewGCM("", "app", "room2")} {
			if _, err := other.Decrypt(env); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("other key: %v, want ErrDecrypt", err)
			}
		}
	}
	iv := "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"
	for _, tc := range []struct {
		env  string
		want error
	}{
		{"", ErrEnvelope},
		{"no dollar", ErrEnvelope},
		{"1,2$AAAAAAAAAAAAAAAAAAAAAA==", ErrEnvelope},
		{"0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,256$AAAAAAAAAAAAAAAAAAAAAA==", ErrEnvelope},
		{"0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,-1$AAAAAAAAAAAAAAAAAAAAAA==", ErrEnvelope},
		{"0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,$AAAAAAAAAAAAAAAAAAAAAA==", ErrEnvelope},
		{iv + "$%%%", ErrEnvelope},
		{iv + "$AAAA", ErrEnvelope}, // 3 bytes: shorter than the tag
		{iv + "$" + strings.Repeat("A", maxEnvelope), ErrEnvelope},
		{iv + "$AAAAAAAAAAAAAAAAAAAAAA==", ErrDecrypt}, // a tag that does not authenticate
	} {
		if _, err := g.Decrypt(tc.env); !errors.Is(err, tc.want) {
			t.Errorf("Decrypt(%.60s) error = %v, want %v", tc.env, err, tc.want)
		}
	}
}

func FuzzDecryptGCM(f *testing.F) {
	f.Add("0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15$azAYPnv/lY+rfr4+fKpF+45Ar7AnYDPPXjR7ltVqVtUCXfU2bzpgfHQzyucIJno=")
	f.Add("58,232,225,217,24,234,188,17,202,52,240,23,34,245,80,80$p0DVjlMUs57+i7Sh1MhevstswLNG")
	f.Add("$")
	g := NewGCM("hunter2", "test-app", "room-1")
	f.Fuzz(func(t *testing.T, env string) {
		plain, err := g.Decrypt(env)
		if err != nil && !errors.Is(err, ErrDecrypt) && !errors.Is(err, ErrEnvelope) {
			t.Fatalf("unclassified error %v", err)
		}
		if err == nil {
			again, err := g.Encrypt(plain)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := g.Decrypt(again); err != nil || back != plain {
				t.Fatalf("re-encrypt round trip failed: %v", err)
			}
		}
	})
}

func ExampleGCM() {
	g := NewGCM("", "test-app", "room-1") // 0.25 encrypts even without a password
	env, _ := g.Encrypt("v=0\r\n")
	sdp, _ := g.Decrypt(env)
	fmt.Println(sdp == "v=0\r\n")
	// Output: true
}

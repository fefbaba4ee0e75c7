package crypt

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
)

type vector struct {
	KeyInput     string `json:"keyInput"`
	AESCBCKeyHex string `json:"aesCbcKeyHex"`
	FixedIV      struct {
		Plaintext     string `json:"plaintext"`
		IVHex         string `json:"ivHex"`
		CiphertextHex string `json:"ciphertextHex"`
		Envelope      string `json:"envelope"`
	} `json:"fixedIvExample"`
	RealEncrypt   string `json:"realEncryptOutputExample"`
	RealRoundTrip string `json:"realEncryptRoundTrip"`
}

func loadVector(t *testing.T) vector {
	t.Helper()
	b := testutil.Vector(t, "018-crypto.json")
	var v vector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestKeyVector(t *testing.T) {
	v := loadVector(t)
	if v.KeyInput != "hunter2:room-1" {
		t.Fatalf("unexpected vector key input %q", v.KeyInput)
	}
	if got := hex.EncodeToString(Key("hunter2", "room-1")); got != v.AESCBCKeyHex {
		t.Fatalf("key = %s, want %s", got, v.AESCBCKeyHex)
	}
}

func TestFixedIVVector(t *testing.T) {
	v := loadVector(t)
	c := NewCBC("hunter2", "room-1")
	ivb, _ := hex.DecodeString(v.FixedIV.IVHex)
	var iv [ivLen]byte
	copy(iv[:], ivb)
	if got := c.encryptIV(v.FixedIV.Plaintext, iv); got != v.FixedIV.Envelope {
		t.Fatalf("envelope = %s\nwant       %s", got, v.FixedIV.Envelope)
	}
	plain, err := c.Decrypt(v.FixedIV.Envelope)
	if err != nil || plain != v.FixedIV.Plaintext {
		t.Fatalf("Decrypt = %q, %v", plain, err)
	}
	// An envelope made by the real library with a random IV.
	if plain, err := c.Decrypt(v.RealEncrypt); err != nil || plain != v.RealRoundTrip {
		t.Fatalf("Decrypt(real) = %q, %v; want %q", plain, err, v.RealRoundTrip)
	}
}

func TestRoundTripAndErrors(t *testing.T) {
	c := NewCBC("pw", "room")
	for _, s := range []string{"", "x", "0123456789abcdef", "v=0\r\nünïcødé"} {
		env, err := c.Encrypt(s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Decrypt(env)
		if err != nil || got != s {
			t.Fatalf("round trip %q = %q, %v", s, got, err)
		}
		if got, err := NewCBC("other", "room").Decrypt(env); err == nil && got == s {
			t.Fatalf("wrong password decrypted %q", s)
		}
	}
	for _, tc := range []struct {
		env  string
		want error
	}{
		{`not json`, ErrEnvelope},
		{`{"iv":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}`, ErrEnvelope},
		{`{"c":"AAAA","iv":[1,2]}`, ErrEnvelope},
		{`{"c":"%%%","iv":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}`, ErrEnvelope},
		{`{"c":"AAAA","iv":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,999]}`, ErrEnvelope},
		{`{"c":"AAAA","iv":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}`, ErrDecrypt},
		{`{"c":"","iv":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}`, ErrDecrypt},
	} {
		if _, err := c.Decrypt(tc.env); !errors.Is(err, tc.want) {
			t.Errorf("Decrypt(%s) error = %v, want %v", tc.env, err, tc.want)
		}
	}
}

func FuzzDecrypt(f *testing.F) {
	f.Add(`{"c":"LQ14CAeVvbGprqHXcYZ0EgMfuGogK43nkDSe2z/KnUw=","iv":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}`)
	f.Add(`{"c":"","iv":[]}`)
	c := NewCBC("hunter2", "room-1")
	f.Fuzz(func(t *testing.T, env string) {
		plain, err := c.Decrypt(env)
		if err != nil && !errors.Is(err, ErrDecrypt) && !errors.Is(err, ErrEnvelope) {
			t.Fatalf("unclassified error %v", err)
		}
		if err == nil {
			again, err := c.Encrypt(plain)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := c.Decrypt(again); err != nil || back != plain {
				t.Fatalf("re-encrypt round trip failed: %v", err)
			}
		}
	})
}

func ExampleCBC() {
	c := NewCBC("MuchoMaa$", "w_a_s_t_e__v_i_p")
	env, _ := c.Encrypt("v=0\r\n")
	sdp, _ := c.Decrypt(env)
	fmt.Println(sdp == "v=0\r\n")
	// Output: true
}

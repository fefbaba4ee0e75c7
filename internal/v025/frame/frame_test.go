package frame

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

type vecFrame struct {
	Kind           string `json:"kind"`
	Hex            string `json:"hex"`
	FrameLen       int    `json:"frameLen"`
	FrameVersion   int    `json:"frameVersion"`
	TokenLen       int    `json:"tokenLen"`
	Token          string `json:"token"`
	ChunkLen       int    `json:"chunkLen"`
	ChunkHeaderHex string `json:"chunkHeaderHex"`
	Type           string `json:"type"`
	Nonce          uint32 `json:"nonce"`
	Tag            byte   `json:"tag"`
	Progress       uint8  `json:"progress"`
	PayloadLen     int    `json:"payloadLen"`
	FullHex        string `json:"fullHex"`
}

func loadFrames(t testing.TB) (token string, frames map[string][]vecFrame) {
	t.Helper()
	var all map[string]json.RawMessage
	if err := json.Unmarshal(testutil.Vector(t, "025-room-framing.json"), &all); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(all["roomToken"], &token); err != nil {
		t.Fatal(err)
	}
	frames = map[string][]vecFrame{}
	for k, raw := range all {
		var fs []vecFrame
		if json.Unmarshal(raw, &fs) == nil && len(fs) > 0 {
			frames[k] = fs
		}
	}
	return token, frames
}

func TestTokenVector(t *testing.T) {
	token, _ := loadFrames(t)
	if got := Token("test-app", "room-1"); got != token {
		t.Fatalf("Token = %s, want %s", got, token)
	}
}

// TestRoomFrameVectors parses every captured frame, checks each field, and
// builds it again from its parts.
func TestRoomFrameVectors(t *testing.T) {
	token, frames := loadFrames(t)
	n := 0
	for name, fs := range frames {
		for i, v := range fs {
			if v.Kind == "presence" {
				continue
			}
			n++
			if v.FrameVersion != int(TypeRoom) || v.TokenLen != len(token) || v.Token != token {
				t.Fatalf("%s[%d]: unexpected vector %+v", name, i, v)
			}
			if v.FrameLen != v.ChunkLen+RoomOverhead(token) {
				t.Errorf("%s[%d]: frame %d bytes, chunk %d + overhead %d", name, i, v.FrameLen, v.ChunkLen, RoomOverhead(token))
			}
			if v.FullHex == "" {
				continue // large chunks are given by their header only
			}
			full, _ := hex.DecodeString(v.FullHex)
			f, err := Parse(full)
			if err != nil {
				t.Fatalf("%s[%d]: %v", name, i, err)
			}
			if f.Type != TypeRoom || f.Token != token || len(f.Chunk) != v.ChunkLen || hex.EncodeToString(f.Chunk[:36]) != v.ChunkHeaderHex {
				t.Errorf("%s[%d]: parsed %+v", name, i, f)
			}
			c, err := chunk.Framing025.Parse(f.Chunk)
			if err != nil || c.Type != v.Type || c.Nonce != v.Nonce || c.Tag() != v.Tag || c.Progress != v.Progress || len(c.Payload) != v.PayloadLen {
				t.Errorf("%s[%d]: chunk %+v, %v", name, i, c, err)
			}
			again, err := AppendRoom(nil, Token("test-app", "room-1"), f.Chunk)
			if err != nil || !bytes.Equal(again, full) {
				t.Errorf("%s[%d]: AppendRoom = %x, %v", name, i, again, err)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d frames in the vector", n)
	}
}

func TestPresenceVector(t *testing.T) {
	token, frames := loadFrames(t)
	want, _ := hex.DecodeString(frames["presence frame"][0].Hex)
	got, err := AppendPresence(nil, token, true)
	if err != nil || !bytes.Equal(got, want) || len(got) != 68 {
		t.Fatalf("AppendPresence = %x, %v\nwant %x", got, err, want)
	}
	f, err := Parse(want)
	if err != nil || f.Type != TypePresence || !f.Present || f.Token != token || f.Chunk != nil {
		t.Fatalf("Parse = %+v, %v", f, err)
	}
	absent, _ := AppendPresence(nil, token, false)
	if f, err := Parse(absent); err != nil || f.Present || absent[1] != 0 {
		t.Fatalf("absent: %+v, %v", f, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"0.18 chunk", []byte("chat\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\xffhi"), ErrType},
		{"room no length", []byte{1, 0}, ErrTruncated},
		{"room zero token", []byte{1, 0, 0, 'x'}, ErrEmptyToken},
		{"room short token", []byte{1, 0, 3, 'a', 'b'}, ErrTruncated},
		{"presence short", []byte{2}, ErrTruncated},
		{"presence state 2", []byte{2, 2, 0, 1, 'a'}, ErrPresence},
		{"presence zero token", []byte{2, 1, 0, 0}, ErrEmptyToken},
		{"presence short token", []byte{2, 1, 0, 2, 'a'}, ErrTruncated},
	} {
		if _, err := Parse(c.in); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := Parse([]byte{2, 1, 0, 1, 'a', 'b'}); err == nil {
		t.Error("presence frame with trailing bytes accepted")
	}
	// A room frame may carry an empty chunk: the chunk codec judges it.
	if f, err := Parse([]byte{1, 0, 1, 'a'}); err != nil || f.Token != "a" || len(f.Chunk) != 0 {
		t.Errorf("empty chunk: %+v, %v", f, err)
	}
	for _, tok := range []string{"", strings.Repeat("a", maxToken+1)} {
		if _, err := AppendRoom(nil, tok, nil); err == nil {
			t.Errorf("AppendRoom accepted a %d-byte token", len(tok))
		}
		if _, err := AppendPresence(nil, tok, true); err == nil {
			t.Errorf("AppendPresence accepted a %d-byte token", len(tok))
		}
	}
}

func FuzzParse(f *testing.F) {
	_, frames := loadFrames(f)
	for _, fs := range frames {
		for _, v := range fs {
			for _, h := range []string{v.FullHex, v.Hex} {
				if b, err := hex.DecodeString(h); err == nil && len(b) > 0 {
					f.Add(b)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := Parse(b)
		if err != nil {
			return
		}
		var again []byte
		switch fr.Type {
		case TypeRoom:
			again, err = AppendRoom(nil, fr.Token, fr.Chunk)
		case TypePresence:
			again, err = AppendPresence(nil, fr.Token, fr.Present)
		default:
			t.Fatalf("type %d", fr.Type)
		}
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("re-encoding %x gave %x, %v", b, again, err)
		}
	})
}

func ExampleAppendRoom() {
	tok := Token("test-app", "room-1")
	t, _ := chunk.Framing025.Encode("chat", 0, transfer.KindJSON, []byte(`{"a":1}`), nil)
	c, _ := t.Next()
	msg, _ := AppendRoom(nil, tok, c)
	f, _ := Parse(msg)
	fmt.Println(len(msg), f.Token == tok)
	// Output: 110 true
}

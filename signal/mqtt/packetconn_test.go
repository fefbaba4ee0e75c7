package mqtt

import (
	"bytes"
	"errors"
	"net"
	"testing"
)

func TestPacketLen(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want int
		err  error
	}{
		{"empty", nil, 0, nil},
		{"type only", []byte{0x30}, 0, nil},
		{"pingreq", []byte{0xc0, 0x00}, 2, nil},
		{"short publish", []byte{0x30, 0x05, 1, 2}, 7, nil},
		{"two-byte length", []byte{0x30, 0x80, 0x01}, 131, nil},
		{"length still open", []byte{0x30, 0x80, 0x80}, 0, nil},
		{"four-byte max", []byte{0x30, 0xff, 0xff, 0xff, 0x7f}, 1 + 4 + 268435455, nil},
		{"five length bytes", []byte{0x30, 0x80, 0x80, 0x80, 0x80, 0x01}, 0, errBadLength},
		{"four open length bytes", []byte{0x30, 0x80, 0x80, 0x80, 0x80}, 0, errBadLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := packetLen(tt.in)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Fatalf("packetLen(%x) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

// recordConn records every Write as one message, like websocket.NetConn.
type recordConn struct {
	net.Conn
	msgs [][]byte
}

func (r *recordConn) Write(p []byte) (int, error) {
	r.msgs = append(r.msgs, append([]byte(nil), p...))
	return len(p), nil
}

// TestPacketConnCoalesces: pieces of packets written in any split come out
// as exactly one message per packet.
func TestPacketConnCoalesces(t *testing.T) {
	pub := append([]byte{0x30, 0x07, 0x00, 0x01, 't'}, []byte("abcd")...)
	ping := []byte{0xc0, 0x00}
	stream := append(append(append([]byte{}, pub...), ping...), pub...)
	for split := 1; split <= len(stream); split++ {
		rc := &recordConn{}
		pc := newPacketConn(rc)
		for i := 0; i < len(stream); i += split {
			if _, err := pc.Write(stream[i:min(i+split, len(stream))]); err != nil {
				t.Fatal(err)
			}
		}
		want := [][]byte{pub, ping, pub}
		if len(rc.msgs) != len(want) {
			t.Fatalf("split %d: %d messages, want %d", split, len(rc.msgs), len(want))
		}
		for i := range want {
			if !bytes.Equal(rc.msgs[i], want[i]) {
				t.Fatalf("split %d: message %d = %x, want %x", split, i, rc.msgs[i], want[i])
			}
		}
	}
}

// FuzzPacketConn: whatever is written, the messages sent are a prefix of the
// input, each one a whole packet by its own header, and nothing panics.
func FuzzPacketConn(f *testing.F) {
	f.Add([]byte{0x30, 0x02, 'h', 'i', 0xc0, 0x00}, uint8(1))
	f.Add([]byte{0x30, 0x80, 0x80, 0x80, 0x80, 0x01}, uint8(3))
	f.Add([]byte{0x10}, uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		step := int(split%16) + 1
		rc := &recordConn{}
		pc := newPacketConn(rc)
		for i := 0; i < len(data); i += step {
			if _, err := pc.Write(data[i:min(i+step, len(data))]); err != nil {
				break
			}
		}
		var sent []byte
		for _, m := range rc.msgs {
			n, err := packetLen(m)
			if err != nil || n != len(m) {
				t.Fatalf("message %x is not one whole packet (len %d, %v)", m, n, err)
			}
			sent = append(sent, m...)
		}
		if !bytes.HasPrefix(data, sent) {
			t.Fatalf("sent %x, not a prefix of %x", sent, data)
		}
	})
}

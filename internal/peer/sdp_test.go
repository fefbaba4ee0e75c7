package peer

import (
	"strings"
	"testing"
)

func TestFilterTrickle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"v=0\r\na=ice-options:trickle\r\nm=x\r\n", "v=0\r\nm=x\r\n"},
		{"v=0\na=ice-options:trickle \nm=x\n", "v=0\nm=x\n"},
		{"a=ice-options:trickle\r\na=ice-options:trickle\r\n", ""},
		// no whitespace+newline after it: simple-peer's regex leaves it
		{"a=ice-options:trickle\n", "a=ice-options:trickle\n"},
		{"a=ice-options:trickle renomination\r\n", "a=ice-options:trickle renomination\r\n"},
		{"a=ice-options:trickle", "a=ice-options:trickle"},
		{"v=0\r\n", "v=0\r\n"},
	}
	for _, tt := range tests {
		if got := filterTrickle(tt.in); got != tt.want {
			t.Errorf("filterTrickle(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCandidateAddress(t *testing.T) {
	tests := map[string]string{
		"candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host":   "192.0.2.1",
		"a=candidate:1 1 udp 2122260223 abc.local 5000 typ host": "abc.local",
		"candidate:1 1 udp": "",
		"":                  "",
	}
	for in, want := range tests {
		if got := candidateAddress(in); got != want {
			t.Errorf("candidateAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestChannelLabel(t *testing.T) {
	l := channelLabel()
	parts := strings.Split(l, ",")
	if len(parts) != labelBytes {
		t.Fatalf("label %q has %d parts, want %d", l, len(parts), labelBytes)
	}
	if channelLabel() == l {
		t.Fatal("two labels are equal")
	}
}

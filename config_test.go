package posthorn

import (
	"reflect"
	"testing"

	"github.com/posthorn/posthorn/internal/ids"
)

func TestRelays(t *testing.T) {
	defaults := []string{"wss://a", "wss://b", "wss://c", "wss://d"}
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string
	}{
		{"default redundancy", Config{}, []string{"wss://a", "wss://b", "wss://c"}},
		{"redundancy 1", Config{RelayRedundancy: 1}, []string{"wss://a"}},
		{"redundancy over list", Config{RelayRedundancy: 9}, defaults},
		{"relayUrls win", Config{RelayURLs: []string{"ws://127.0.0.1:1"}, RelayRedundancy: 2}, []string{"ws://127.0.0.1:1"}},
	} {
		if got := tc.cfg.Relays(defaults, 3); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Relays = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSelfID(t *testing.T) {
	if !ids.Valid(SelfID) {
		t.Fatalf("SelfID %q is not a valid 20-character id", SelfID)
	}
}

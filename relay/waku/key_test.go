//go:build !js

package waku

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
)

// A kept key gives the node the same peer id on the next start.
func TestLoadKeyKeepsPeerID(t *testing.T) {
	testutil.RequireNetns(t)
	path := filepath.Join(t.TempDir(), "waku.key")
	ids := make([]string, 2)
	for i := range ids {
		k, err := LoadKey(path)
		if err != nil {
			t.Fatal(err)
		}
		n, err := New(context.Background(), &Options{Key: k})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = n.PeerID()
		if err := n.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if ids[0] != ids[1] {
		t.Errorf("peer ids %s then %s", ids[0], ids[1])
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file %v, %v; want mode 0600", st, err)
	}
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKey(path); err == nil {
		t.Error("no error for a file that holds no key")
	}
}

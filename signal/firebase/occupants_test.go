package firebase

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/rtdb"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), strategytest.WaitTimeout)
	t.Cleanup(cancel)
	return ctx
}

func newStrategy(t *testing.T) *Strategy {
	s := New(&posthorn.Options{Logger: testLogger(t)})
	t.Cleanup(s.Close)
	return s
}

func join(t *testing.T, s *Strategy, cfg posthorn.Config, room string) *posthorn.Room {
	t.Helper()
	if cfg.RTCConfig == nil {
		cfg.RTCConfig = &posthorn.RTCConfiguration{}
	}
	r, err := s.JoinRoom(ctxT(t), cfg, room)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestGetOccupants: the ids of the peers whose nodes are in the room,
// before anyone joined, as peers join, after one leaves, under a custom
// rootPath, and the argument errors.
func TestGetOccupants(t *testing.T) {
	testutil.RequireNetns(t)
	url := server.Start(t).URL
	occupants := func(cfg posthorn.Config, want ...string) {
		t.Helper()
		got, err := newStrategy(t).GetOccupants(ctxT(t), cfg, "lobby")
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("occupants %v, want %v", got, want)
		}
	}
	cfg := posthorn.Config{AppID: url}
	occupants(cfg)
	a, b := newStrategy(t), newStrategy(t)
	ra := join(t, a, cfg, "lobby")
	occupants(cfg, a.SelfID())
	join(t, b, cfg, "lobby")
	occupants(cfg, a.SelfID(), b.SelfID())
	if err := ra.Leave(); err != nil {
		t.Fatal(err)
	}
	occupants(cfg, b.SelfID())

	other := posthorn.Config{AppID: url, RootPath: "apps/chat"}
	occupants(other)
	c := newStrategy(t)
	join(t, c, other, "lobby")
	occupants(other, c.SelfID())
	occupants(cfg, b.SelfID())

	for _, tt := range []struct {
		name string
		cfg  posthorn.Config
		room string
		want error
	}{
		{"no appId", posthorn.Config{}, "lobby", posthorn.ErrNoAppID},
		{"no roomId", cfg, "", posthorn.ErrNoRoomID},
		{"dot in room", cfg, "a.b", ErrKeyChars},
		{"slash in room", cfg, "a/b", ErrKeyChars},
		{"bad rootPath", posthorn.Config{AppID: url, RootPath: "x$"}, "lobby", ErrKeyChars},
	} {
		if _, err := newStrategy(t).GetOccupants(ctxT(t), tt.cfg, tt.room); !errors.Is(err, tt.want) {
			t.Fatalf("%s: err %v, want %v", tt.name, err, tt.want)
		}
	}
}

// helperEnv makes the test binary a peer that joins a room and waits to be
// killed (TestHelperPeer).
const helperEnv = "POSTHORN_FIREBASE_HELPER_DB"

// TestHelperPeer is not a test: run by TestKilledPeerLeaves in a child
// process, it joins the room "kill" and prints its id.
func TestHelperPeer(t *testing.T) {
	url := os.Getenv(helperEnv)
	if url == "" {
		t.Skip("helper process only")
	}
	s := New(&posthorn.Options{Logger: testLogger(t)})
	join(t, s, posthorn.Config{AppID: url}, "kill")
	os.Stdout.WriteString("JOINED " + s.SelfID() + "\n")
	select {} // until killed
}

// TestKilledPeerLeaves: a peer whose process is killed disappears from
// the room: the server runs its onDisconnect removal.
func TestKilledPeerLeaves(t *testing.T) {
	testutil.RequireNetns(t)
	url := server.Start(t).URL
	w := dial(t, url, "__trystero__/kill")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPeer$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+url)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var id string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "JOINED "); ok {
			id = rest
			break
		}
	}
	if !ids.Valid(id) {
		t.Fatalf("helper printed no id (%v)", sc.Err())
	}
	w.wait("helper's node", func(tr *rtdb.Tree) bool { return tr.Get(id, "_") == true })
	if got, _ := newStrategy(t).GetOccupants(ctxT(t), posthorn.Config{AppID: url}, "kill"); !slices.Contains(got, id) {
		t.Fatalf("occupants %v lack the helper %s", got, id)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	w.wait("helper's node removed", func(tr *rtdb.Tree) bool { return tr.Get(id) == nil })
	if got, _ := newStrategy(t).GetOccupants(ctxT(t), posthorn.Config{AppID: url}, "kill"); slices.Contains(got, id) {
		t.Fatalf("occupants %v still list the killed helper", got)
	}
}

package firebase

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/rtdb"
)

// DefaultRootPath is where rooms live when Config.RootPath is "", as in
// Trystero 0.18 (`__${libName.toLowerCase()}__`).
const DefaultRootPath = "__trystero__"

// SilentPeerDelay is how long a peer found in our first read of the room
// may take to offer before we offer to it (see the package doc).
const SilentPeerDelay = 8 * time.Second

// writeTimeout bounds one database write.
const writeTimeout = 10 * time.Second

// ErrKeyChars rejects a room id or root path that is not a valid database
// path: keys cannot contain '.', '#', '$', '[' or ']', and a room id no '/'.
var ErrKeyChars = errors.New("firebase: room id and root path must not contain '.', '#', '$', '[' or ']', nor the room id '/'")

// DefaultReconnect is the database connections' reconnect policy.
var DefaultReconnect = rtdb.DefaultReconnect

// Strategy is one firebase strategy instance: one peer id, one room per
// room id, one database connection per room and database.
type Strategy struct {
	sh      *engine.Shell
	pushIDs rtdb.PushIDs

	mu      sync.Mutex
	clients map[string]*rtdb.Client // the latest room's client per database URL
}

var _ posthorn.Strategy = (*Strategy)(nil)

// New returns a Strategy; it connects only when a room is joined. nil opts
// means the defaults.
func New(opts *posthorn.Options) *Strategy {
	return &Strategy{sh: engine.NewShell(opts, DefaultReconnect).WithTrickle(), clients: map[string]*rtdb.Client{}}
}

// SelfID is the peer id the instance's rooms use.
func (s *Strategy) SelfID() string { return s.sh.SelfID() }

// RelaySockets reports, per database URL, the state of the connection of
// the room that most recently joined through it.
func (s *Strategy) RelaySockets() map[string]posthorn.RelayState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]posthorn.RelayState, len(s.clients))
	for u, c := range s.clients {
		out[u] = c.State()
	}
	return out
}

// JoinRoom joins roomID and returns once our presence node is written and
// the room is being watched in at least one database. cfg.AppID is the
// database URL unless cfg.RelayURLs lists database URLs.
func (s *Strategy) JoinRoom(ctx context.Context, cfg posthorn.Config, roomID string) (*posthorn.Room, error) {
	return s.sh.JoinRoom(ctx, cfg, roomID, s.start)
}

// databases are the database URLs a room with cfg uses.
func databases(cfg posthorn.Config) []string {
	if len(cfg.RelayURLs) > 0 {
		return slices.Clone(cfg.RelayURLs)
	}
	return []string{cfg.AppID}
}

// roomPath returns <rootPath>/<roomID>, checked.
func roomPath(cfg posthorn.Config, roomID string) (string, error) {
	root := strings.Trim(cfg.RootPath, "/")
	if root == "" {
		root = DefaultRootPath
	}
	if strings.ContainsAny(root+roomID, ".#$[]") || strings.Contains(roomID, "/") {
		return "", ErrKeyChars
	}
	return root + "/" + roomID, nil
}

func (s *Strategy) start(es *engine.Session) error {
	path, err := roomPath(es.Config(), es.RoomID())
	if err != nil {
		return err
	}
	var rooms []*dbRoom
	for _, url := range databases(es.Config()) {
		c, err := rtdb.New(url, rtdb.Options{Reconnect: s.sh.Reconnect(), Logger: es.Log()})
		if err != nil {
			for _, r := range rooms {
				r.c.Close()
			}
			return err
		}
		rooms = append(rooms, newDBRoom(es, c, path, &s.pushIDs))
	}
	es.OnStop(func() {
		var wg sync.WaitGroup
		for _, r := range rooms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.leave()
			}()
		}
		wg.Wait()
	})
	s.mu.Lock()
	for _, r := range rooms {
		s.clients[r.c.URL()] = r.c
	}
	s.mu.Unlock()
	for _, r := range rooms {
		r.c.Start()
	}
	return nil
}

// Close leaves every room joined through the instance.
func (s *Strategy) Close() { s.sh.LeaveAll() }

var defaultStrategy = sync.OnceValue(func() *Strategy {
	return New(&posthorn.Options{SelfID: engine.SelfID})
})

// JoinRoom joins roomID with the default instance (Trystero's joinRoom).
func JoinRoom(ctx context.Context, cfg posthorn.Config, roomID string) (*posthorn.Room, error) {
	return defaultStrategy().JoinRoom(ctx, cfg, roomID)
}

// SelfID is the default instance's peer id, shared by every strategy's
// default instance in the process (Trystero's selfId).
func SelfID() string { return engine.SelfID }

// RelaySockets reports the default instance's database connections.
func RelaySockets() map[string]posthorn.RelayState { return defaultStrategy().RelaySockets() }

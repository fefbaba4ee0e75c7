//go:build !js

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/signal/firebase"
	"github.com/posthorn/posthorn/signal/ipfs"
	"github.com/posthorn/posthorn/signal/mqtt"
	"github.com/posthorn/posthorn/signal/nostr"
	"github.com/posthorn/posthorn/signal/torrent"
)

// strategies are the ways of finding peers, by --strategy name, as
// Trystero's modules: trystero/torrent, trystero/nostr, trystero/mqtt,
// trystero/firebase (whose relay is a database URL, given as --app or
// --relay), trystero/ipfs (Waku; --relay is a service node's multiaddr).
var strategies = map[string]func(*posthorn.Options) posthorn.Strategy{
	"torrent":  func(o *posthorn.Options) posthorn.Strategy { return torrent.New(o) },
	"nostr":    func(o *posthorn.Options) posthorn.Strategy { return nostr.New(o) },
	"mqtt":     func(o *posthorn.Options) posthorn.Strategy { return mqtt.New(o) },
	"firebase": func(o *posthorn.Options) posthorn.Strategy { return firebase.New(o) },
	"ipfs":     func(o *posthorn.Options) posthorn.Strategy { return ipfs.New(o) },
}

// defaultApp is the demo page's appId, so that a terminal meets the
// demo's tabs without flags.
const defaultApp = "posthorn-demo"

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// roomFlags are the flags every subcommand has: joinRoom's settings and
// the output format.
type roomFlags struct {
	fs *flag.FlagSet
	c  *command
	e  *env

	strategy   string
	app        string
	password   string
	relays     listFlag
	redundancy int
	ice        listFlag
	turnUser   string
	turnPass   string
	id         string
	joinWait   time.Duration
	json       bool
	verbose    bool
}

func newFlags(c *command, e *env) *roomFlags {
	f := &roomFlags{fs: flag.NewFlagSet("posthorn "+c.name, flag.ContinueOnError), c: c, e: e}
	fs := f.fs
	fs.SetOutput(e.stderr)
	fs.StringVar(&f.strategy, "strategy", "torrent", "how peers find each other: "+strings.Join(strategyNames(), ", "))
	fs.StringVar(&f.app, "app", defaultApp, "application id (Trystero's appId); the default is the demo page's")
	fs.StringVar(&f.password, "password", "", "room password: encrypts the session descriptions on the relays")
	fs.Var(&f.relays, "relay", "relay URL, replacing the strategy's defaults (repeatable)")
	fs.IntVar(&f.redundancy, "redundancy", 0, "how many default relays to use (0: the strategy's default)")
	fs.Var(&f.ice, "ice", "ICE server URL (stun:, turn:, turns:), replacing the default STUN server (repeatable); 'none' for no ICE server")
	fs.StringVar(&f.turnUser, "turn-user", "", "username for the turn: and turns: servers of --ice")
	fs.StringVar(&f.turnPass, "turn-password", "", "credential for the turn: and turns: servers of --ice")
	fs.StringVar(&f.id, "id", "", "this peer's id (default: a fresh random one)")
	fs.DurationVar(&f.joinWait, "join-timeout", 30*time.Second, "how long to wait for a relay to take the room's announcement")
	fs.BoolVar(&f.json, "json", false, "print events as JSON lines on stdout, for scripts")
	fs.BoolVar(&f.verbose, "v", false, "log the room's diagnostics on stderr")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: posthorn %s [flags] %s\n\n%s.\n\nflags:\n", c.name, c.usage, capitalize(c.short))
		fs.PrintDefaults()
	}
	return f
}

// parse parses args, flags and positional arguments in any order, and
// checks the number of positional arguments. It returns the positional
// arguments, or ok=false after printing why.
func (f *roomFlags) parse(args []string, min, max int) (pos []string, code int, ok bool) {
	for {
		if err := f.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		args = f.fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) < min || (max >= 0 && len(pos) > max) {
		f.fs.Usage()
		return nil, 2, false
	}
	if _, known := strategies[f.strategy]; !known {
		fmt.Fprintf(f.e.stderr, "posthorn: unknown strategy %q (one of %s)\n", f.strategy, strings.Join(strategyNames(), ", "))
		return nil, 2, false
	}
	return pos, 0, true
}

// rtcConfig builds the WebRTC configuration from --ice; nil means the
// library's default (one public STUN server).
func (f *roomFlags) rtcConfig() *webrtc.Configuration {
	if len(f.ice) == 0 {
		return nil
	}
	cfg := &webrtc.Configuration{}
	for _, u := range f.ice {
		if u == "none" {
			continue
		}
		s := webrtc.ICEServer{URLs: []string{u}}
		if strings.HasPrefix(u, "turn:") || strings.HasPrefix(u, "turns:") {
			s.Username, s.Credential = f.turnUser, f.turnPass
		}
		cfg.ICEServers = append(cfg.ICEServers, s)
	}
	return cfg
}

func (f *roomFlags) logger() *slog.Logger {
	level := slog.LevelError
	if f.verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(f.e.stderr, &slog.HandlerOptions{Level: level}))
}

// session is a joined room and the strategy instance that joined it.
type session struct {
	strat posthorn.Strategy
	room  *posthorn.Room
}

// join joins roomID with the flags' settings; limits raise the receive
// limits (zero: the defaults). A failure is printed, and join reports false.
func (f *roomFlags) join(ctx context.Context, out *printer, roomID string, limits posthorn.Config) (*session, bool) {
	s, err := f.joinRoom(ctx, roomID, limits)
	if err != nil {
		out.errorf("joining %q: %v", roomID, err)
		return nil, false
	}
	return s, true
}

func (f *roomFlags) joinRoom(ctx context.Context, roomID string, limits posthorn.Config) (*session, error) {
	log := f.logger()
	// An empty id makes the strategy draw a fresh one.
	strat := strategies[f.strategy](&posthorn.Options{SelfID: f.id, Logger: log})
	cfg := posthorn.Config{
		AppID:           f.app,
		Password:        f.password,
		RelayURLs:       f.relays,
		RelayRedundancy: f.redundancy,
		RTCConfig:       f.rtcConfig(),
		Limits:          limits.Limits,
		Logger:          log,
	}
	jctx, cancel := context.WithTimeout(ctx, f.joinWait)
	defer cancel()
	room, err := strat.JoinRoom(jctx, cfg, roomID)
	if err != nil {
		strat.Close()
		return nil, err
	}
	return &session{strat: strat, room: room}, nil
}

// close leaves the room at once, so the others see the leave, and closes
// the relay connections.
func (s *session) close() {
	s.room.Leave()
	s.strat.Close()
}

func strategyNames() []string {
	var n []string
	for k := range strategies {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && termIsTerminal(int(f.Fd()))
}

// short is the first 6 characters of a peer id, as the demo shows them.
func short(id string) string {
	if len(id) > 6 {
		return id[:6]
	}
	return id
}

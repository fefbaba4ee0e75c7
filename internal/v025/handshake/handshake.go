// Package handshake is the session handshake of a Trystero 0.25 room
// (protocol-0.25 §9): before a peer counts as joined, each side runs the
// password challenge (when the room has a password) and then sends
// @_hsready; the peer is active once its own steps passed and the remote's
// @_hsready arrived.
//
// A Handshake is a state machine per (room, remote peer) with no timers and
// no I/O: the caller sends what its methods return, feeds it what arrives on
// the two internal actions, and fails the peer if it is not active after
// Timeout.
package handshake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/transfer"
)

// The internal actions of the handshake (protocol-0.25 §10). Both are
// accepted from peers that are not active yet.
const (
	// ActionData carries handshake data, JSON.
	ActionData = "@_hsdata"
	// ActionReady says the sender's steps passed; its payload is "".
	ActionReady = "@_hsready"
)

// Timeout is Trystero's default handshakeTimeoutMs: a peer not active this
// long after its connection was bound to the room is dropped
// (protocol-0.25 §9).
const Timeout = 10 * time.Second

// ChallengeLen is the length of the initiator's random challenge.
const ChallengeLen = 36

// maxData bounds an @_hsdata payload this package parses; real ones are
// under 100 bytes.
const maxData = 4096

// ErrPassword means the remote peer failed the password step: it answered
// the challenge wrongly or sent something else, i.e. it uses another
// password (Trystero's "incorrect password for overlapping room").
var ErrPassword = errors.New("handshake: incorrect password for overlapping room")

// ErrFailed is returned for data fed to a handshake that already failed.
var ErrFailed = errors.New("handshake: already failed")

// Hash is the answer to a password challenge: lowercase hex
// SHA-256(challenge:password:appID:roomID) (protocol-0.25 §3.3).
func Hash(challenge, password, appID, roomID string) string {
	sum := sha256.Sum256([]byte(challenge + ":" + password + ":" + appID + ":" + roomID))
	return hex.EncodeToString(sum[:])
}

// Send is one message the caller must send to the remote peer, in order.
type Send struct {
	// Action is ActionData or ActionReady.
	Action string
	// Kind and Data are the payload: JSON text for ActionData, the empty
	// string for ActionReady.
	Kind transfer.Kind
	Data []byte
}

// Params identify the room and the two peers.
type Params struct {
	SelfID, PeerID string
	AppID, RoomID  string
	Password       string // "" for none: no password step
	newChallenge   func() string
}

type state int

const (
	stateIdle state = iota
	stateAwaitChallenge
	stateAwaitResponse
	statePassed
	stateFailed
)

// Handshake is the handshake with one remote peer in one room. It is safe
// for concurrent use.
type Handshake struct {
	p Params
	// initiator: the side with the smaller id challenges (protocol-0.25 §2).
	initiator bool

	mu          sync.Mutex
	st          state
	challenge   string
	remoteReady bool
	active      bool
}

// New returns the handshake with p.PeerID. Call Start once the connection
// is bound to the room.
func New(p Params) *Handshake {
	if p.newChallenge == nil {
		p.newChallenge = func() string { return ids.New(ChallengeLen) }
	}
	return &Handshake{p: p, initiator: p.SelfID < p.PeerID}
}

// Initiator reports whether this side challenges: its id is the smaller.
func (h *Handshake) Initiator() bool { return h.initiator }

// Start begins the handshake and returns what to send: @_hsready at once
// without a password; the challenge as initiator; nothing as responder,
// which waits for the challenge (protocol-0.25 §9 steps 2–3). Calling it
// again returns nothing.
func (h *Handshake) Start() ([]Send, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.st != stateIdle {
		return nil, nil
	}
	switch {
	case h.p.Password == "":
		return h.pass(nil), nil
	case h.initiator:
		h.challenge = h.p.newChallenge()
		msg, err := jsjson.Marshal(pwMessage{Kind: "challenge", C: h.challenge})
		if err != nil {
			return nil, err
		}
		h.st = stateAwaitResponse
		return []Send{{Action: ActionData, Kind: transfer.KindJSON, Data: msg}}, nil
	}
	h.st = stateAwaitChallenge
	return nil, nil
}

// pwMessage is the password step's @_hsdata payload, members in JS's order.
type pwMessage struct {
	Kind string `json:"__trystero_pw"`
	C    string `json:"c,omitempty"`
	H    string `json:"h,omitempty"`
}

// pass marks the local steps as passed and appends @_hsready to out.
func (h *Handshake) pass(out []Send) []Send {
	h.st = statePassed
	h.activate()
	return append(out, Send{Action: ActionReady, Kind: transfer.KindString, Data: []byte{}})
}

func (h *Handshake) activate() {
	if h.st == statePassed && h.remoteReady {
		h.active = true
	}
}

// Data takes an @_hsdata payload (its JSON text) from the remote peer and
// returns what to send. A payload that is not the expected password message
// fails the handshake with ErrPassword; the caller then drops the peer from
// the room. Data arriving when no step waits for it is ignored, as JS
// ignores it without a user handshake.
func (h *Handshake) Data(payload []byte) ([]Send, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch h.st {
	case stateFailed:
		return nil, ErrFailed
	case stateAwaitChallenge:
		m, err := parsePW(payload)
		if err != nil || m.Kind != "challenge" || m.C == nil {
			return nil, h.fail(err, "expected a challenge")
		}
		resp, err := jsjson.Marshal(pwMessage{Kind: "response", H: Hash(*m.C, h.p.Password, h.p.AppID, h.p.RoomID)})
		if err != nil {
			return nil, err
		}
		return h.pass([]Send{{Action: ActionData, Kind: transfer.KindJSON, Data: resp}}), nil
	case stateAwaitResponse:
		m, err := parsePW(payload)
		if err != nil || m.Kind != "response" || m.H == nil {
			return nil, h.fail(err, "expected a response")
		}
		if *m.H != Hash(h.challenge, h.p.Password, h.p.AppID, h.p.RoomID) {
			return nil, h.fail(nil, "wrong response")
		}
		return h.pass(nil), nil
	}
	return nil, nil
}

func (h *Handshake) fail(cause error, what string) error {
	h.st = stateFailed
	if cause != nil {
		return fmt.Errorf("%w (%s: %v)", ErrPassword, what, cause)
	}
	return fmt.Errorf("%w (%s)", ErrPassword, what)
}

// received is a password message as parsed; absent members are nil.
type received struct {
	Kind string
	C, H *string
}

// parsePW reads a password-step payload; JS requires an object whose
// __trystero_pw is the expected string and whose c or h is a string.
func parsePW(b []byte) (received, error) {
	if len(b) > maxData {
		return received{}, fmt.Errorf("payload of %d bytes", len(b))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || raw == nil {
		return received{}, errors.New("payload is not a JSON object")
	}
	var r received
	str := func(k string) *string {
		var s string
		if v, ok := raw[k]; ok && json.Unmarshal(v, &s) == nil {
			return &s
		}
		return nil
	}
	if k := str("__trystero_pw"); k != nil {
		r.Kind = *k
	}
	r.C, r.H = str("c"), str("h")
	return r, nil
}

// Ready records the remote's @_hsready and reports whether the peer is
// active now. Trystero accepts it before its own steps pass; the peer
// turns active when both hold (protocol-0.25 §9 step 4).
func (h *Handshake) Ready() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.st != stateFailed {
		h.remoteReady = true
		h.activate()
	}
	return h.active
}

// Active reports whether the peer has joined: only then may user actions
// and @_signal flow (protocol-0.25 §8, §14.4).
func (h *Handshake) Active() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.active
}

// Failed reports whether the password step failed.
func (h *Handshake) Failed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.st == stateFailed
}

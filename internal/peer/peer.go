package peer

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posthorn/posthorn/internal/serial"
	"github.com/posthorn/posthorn/media"
)

// Peer is one WebRTC session with simple-peer-light 9.10 semantics
// (protocol-0.18 §4). Create it with New, wire OnSignal to the signalling path and
// feed remote signals to Signal.
type Peer struct {
	cfg Config
	log *slog.Logger
	pc  *rtcConn // rtc.go natively (pion), rtc_js.go in the browser

	ops     *serial.Queue[func()]        // serial executor: the JS event loop stand-in
	ev      *serial.Queue[func()]        // user-facing events in order: connect, close
	signals *serial.Queue[Signal]        // local signals, buffered until OnSignal
	data    *serial.Queue[[]byte]        // received messages, buffered until OnData (early data, §4.4)
	tracks  *serial.Queue[TrackEvent]    // remote tracks, buffered until OnTrack
	streams *serial.Queue[*media.Stream] // remote streams, buffered until OnStream

	connectEv oneShot[struct{}]
	closeEv   oneShot[error]

	mu     sync.Mutex
	ch     *channel // the one data channel (protocol-0.18 §4.2)
	extras int      // further channels the remote opened (refuse.go)
	// extrasAllowed is maxExtraChannels (tests raise it)
	extrasAllowed int
	texts         int // text messages dropped (refuse.go)
	destroyed     bool
	timers        []*time.Timer // afterFunc's, stopped by destroy
	media         mediaState

	neg negotiation // touched only on ops

	done     chan struct{} // closed when the peer is destroyed
	torn     chan struct{} // closed when channel and PC are closed
	open     chan struct{} // closed when the data channel opens
	openOnce sync.Once
	low      chan struct{} // bufferedamountlow notifications (cap 1)
	sendSem  chan struct{} // serializes Send (cap 1)
}

// TrackEvent is one remote track together with the stream it arrived in;
// simple-peer emits one per (track, stream) pair (protocol-0.18 §4.6).
type TrackEvent struct {
	Track  *media.Track
	Stream *media.Stream
}

// New creates the RTCPeerConnection and, for an initiator, the data channel,
// then starts the first negotiation: the initiator's offer (or, without
// trickle, its offer with all candidates) arrives through OnSignal.
func New(cfg Config) (*Peer, error) {
	pc, err := newConn(cfg)
	if err != nil {
		return nil, fmt.Errorf("peer: new peer connection: %w", err)
	}
	p := newBare(cfg)
	p.pc = pc
	live.Add(1)
	p.wireEvents()
	if cfg.Initiator {
		if err := p.createChannel(); err != nil {
			p.releaseBuild()
			_ = pc.close()
			live.Add(-1)
			return nil, fmt.Errorf("peer: create data channel: %w", err)
		}
	}
	// simple-peer calls _needsNegotiation at construction; a non-initiator
	// discards that first request (protocol-0.18 §4.6).
	p.ops.Push(p.needsNegotiation)
	return p, nil
}

// newBare returns a Peer with its queues and state but no connection yet.
func newBare(cfg Config) *Peer {
	p := &Peer{
		cfg:     cfg,
		log:     cfg.logger(),
		ops:     serial.New(run),
		ev:      serial.New(run),
		signals: serial.New[Signal](nil),
		data:    serial.New[[]byte](nil),
		tracks:  serial.New[TrackEvent](nil),
		streams: serial.New[*media.Stream](nil),
		done:    make(chan struct{}),
		torn:    make(chan struct{}),
		open:    make(chan struct{}),
		low:     make(chan struct{}, 1),
		sendSem: make(chan struct{}, 1),
	}
	p.data.CountBytes(func(b []byte) int { return len(b) })
	p.extrasAllowed = maxExtraChannels
	p.neg.first = true
	p.neg.iceTimeout = iceCompleteTimeout
	p.media.init()
	return p
}

func run(f func()) { f() }

// live counts the peer connections New created and destroy has not closed.
var live atomic.Int64

// Live is the number of this process's peer connections that are open:
// created by New and not yet closed. Leak checks compare it over time.
func Live() int { return int(live.Load()) }

// Initiator reports whether this peer creates the offers.
func (p *Peer) Initiator() bool { return p.cfg.Initiator }

// Done is closed when the peer is destroyed, whatever the cause.
func (p *Peer) Done() <-chan struct{} { return p.done }

// OnSignal sets the handler for local signals (offer, answer, candidates,
// renegotiate and transceiver requests), called in order on one goroutine at a
// time. Signals emitted before a handler is set are kept and replayed.
func (p *Peer) OnSignal(f func(Signal)) { p.signals.SetHandler(f) }

// OnConnect sets the handler called once when ICE is connected or completed
// and the data channel is open (protocol-0.18 §4.4). If that already happened it
// is called at once (on another goroutine).
func (p *Peer) OnConnect(f func()) {
	if f == nil {
		p.connectEv.set(nil)
		return
	}
	p.connectEv.set(func(struct{}) { f() })
}

// OnData sets the handler for received messages, called strictly in arrival
// order on one goroutine at a time. Messages that arrive before a handler is
// set are kept and replayed when it is set (early data, protocol-0.18 §4.4). The
// slice is valid until the handler returns (the browser build reuses it for
// later messages): a handler that keeps bytes copies them. Text messages are
// not delivered: Trystero
// traffic is binary only, and JS turns a text message into empty bytes that
// fail the action lookup and are dropped (protocol-0.18 §4.2); they are logged and
// dropped here.
func (p *Peer) OnData(f func([]byte)) {
	if f == nil {
		p.data.SetHandler(nil)
		return
	}
	p.data.SetHandler(func(b []byte) {
		f(b)
		recycle(b)
	})
}

// OnClose sets the handler called exactly once when the peer is destroyed, for
// every close cause of protocol-0.18 §4.4. err is nil for Close and for a channel
// closed by the remote side, else one of the package's errors (ErrICEFailed,
// ErrConnectionFailed, ErrInvalidSignal, an ErrNegotiation or ErrDataChannel
// wrap). If the peer is already closed it is called at once.
func (p *Peer) OnClose(f func(error)) { p.closeEv.set(f) }

// OnTrack sets the handler for remote tracks, one call per (track, stream)
// pair (protocol-0.18 §4.6). Events before a handler is set are replayed.
func (p *Peer) OnTrack(f func(*media.Track, *media.Stream)) {
	if f == nil {
		p.tracks.SetHandler(nil)
		return
	}
	p.tracks.SetHandler(func(e TrackEvent) { f(e.Track, e.Stream) })
}

// OnStream sets the handler for remote streams, one call per new stream id,
// after the track events of the same arrival (protocol-0.18 §4.6).
func (p *Peer) OnStream(f func(*media.Stream)) { p.streams.SetHandler(f) }

// Signal feeds a remote signal (protocol-0.18 §4.3). Members are handled
// independently as simple-peer does. A signal with none of sdp, candidate,
// renegotiate, transceiverRequest destroys the peer and returns
// ErrInvalidSignal. Everything else is applied asynchronously, in order;
// failures destroy the peer and reach OnClose.
func (p *Peer) Signal(s Signal) error {
	if p.isDestroyed() {
		return ErrClosed
	}
	if !s.valid() {
		p.destroy(ErrInvalidSignal)
		return ErrInvalidSignal
	}
	p.ops.Push(func() { p.handleSignal(s) })
	return nil
}

// Send sends b as one binary message (protocol-0.18 §4.2). It waits until the
// channel is open; then, once the channel's bufferedAmount exceeds the
// high-water mark (64 KiB in the browser; natively the congestion window
// plus 64 KiB, at most 1 MiB: see channel.highWater), it waits until the
// amount falls back under it, woken by bufferedamountlow, fired at the
// 64 KiB bufferedAmountLowThreshold (protocol-0.18 §5.6). It gives up when
// ctx is done or the peer closes (ErrClosed). Calls are serialized; b may be
// reused once Send returns.
func (p *Peer) Send(ctx context.Context, b []byte) error {
	select {
	case p.sendSem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-p.done:
		return ErrClosed
	}
	defer func() { <-p.sendSem }()
	select {
	case <-p.open:
	case <-ctx.Done():
		return ctx.Err()
	case <-p.done:
		return ErrClosed
	}
	ch := p.channel()
	if ch.bufferedAmount() > ch.highWater() {
		if err := p.waitWindow(ctx, ch); err != nil {
			return err
		}
	}
	if p.isDestroyed() {
		return ErrClosed
	}
	if err := ch.send(b); err != nil {
		if p.isDestroyed() {
			return ErrClosed
		}
		return fmt.Errorf("%w: send: %v", ErrDataChannel, err)
	}
	return nil
}

// TrySend sends b as one binary message only if it can do so at once: the
// channel is open, no other Send holds the channel, and its bufferedAmount
// is within the high-water mark. It never waits; it reports false, having
// sent nothing, when Send would have had to wait. A small message that must
// not wait behind anything (a pong) goes out inside the event that caused
// it instead of on another goroutine. b may be reused once it returns.
func (p *Peer) TrySend(b []byte) (bool, error) {
	select {
	case p.sendSem <- struct{}{}:
	default:
		return false, nil
	}
	defer func() { <-p.sendSem }()
	select {
	case <-p.open:
	default:
		return false, nil
	}
	if p.isDestroyed() {
		return false, ErrClosed
	}
	ch := p.channel()
	if ch.bufferedAmount() > ch.highWater() {
		return false, nil
	}
	if err := ch.send(b); err != nil {
		if p.isDestroyed() {
			return false, ErrClosed
		}
		return false, fmt.Errorf("%w: send: %v", ErrDataChannel, err)
	}
	return true, nil
}

// waitWindow is Send's backpressure (protocol-0.18 §5.6): it returns once ch's
// bufferedAmount is at most its high-water mark. bufferedamountlow wakes it;
// so does, natively, a check every sendPoll, because pion fires that event
// only when the amount falls to the 64 KiB threshold, and waiting for it
// alone would let a 1 MiB window drain almost empty before every refill.
func (p *Peer) waitWindow(ctx context.Context, ch *channel) error {
	var tick <-chan time.Time
	if sendPoll > 0 {
		t := time.NewTicker(sendPoll)
		defer t.Stop()
		tick = t.C
	}
	for ch.bufferedAmount() > ch.highWater() {
		select {
		case <-p.low:
		case <-tick:
		case <-ctx.Done():
			return ctx.Err()
		case <-p.done:
			return ErrClosed
		}
	}
	return nil
}

// Close destroys the peer: closes the data channel and the connection (the
// only way a JS peer learns that we left, protocol-0.18 §4.4). Natively it waits
// until both are closed; in the browser build it returns at once (it may be
// called inside a JS callback, which must not block) and the closing happens
// at the next scheduling point. OnClose fires with a nil error. Close is
// idempotent.
func (p *Peer) Close() error {
	p.destroy(nil)
	if closeWaits {
		<-p.torn
	}
	return nil
}

func (p *Peer) isDestroyed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.destroyed
}

func (p *Peer) channel() *channel {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ch
}

// setChannel adopts ch as the one data channel; it reports false (and the
// caller ignores ch) when a channel is already set (protocol-0.18 §4.2).
func (p *Peer) setChannel(ch *channel) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ch != nil || p.destroyed {
		return false
	}
	p.ch = ch
	return true
}

// notifyLow records a bufferedamountlow event for a waiting Send; never blocks.
func (p *Peer) notifyLow() {
	select {
	case p.low <- struct{}{}:
	default:
	}
}

// receive queues one message for OnData; never blocks.
func (p *Peer) receive(b []byte) { p.data.Push(b) }

// destroy is simple-peer's destroy(err): once, for every close cause.
func (p *Peer) destroy(err error) {
	p.mu.Lock()
	if p.destroyed {
		p.mu.Unlock()
		return
	}
	p.destroyed = true
	ch := p.ch
	timers := p.timers
	p.timers = nil
	p.mu.Unlock()
	for _, t := range timers {
		t.Stop() // a pending timer would keep the closed peer reachable
	}
	close(p.done)
	p.data.Unblock()
	go func() { // no logging before this point: destroy may run inside a browser callback
		switch {
		case err == ErrExtraChannels:
			p.log.Warn("peer: dropping the connection", "err", err)
		case err != nil:
			p.log.Debug("peer: destroying", "err", err)
		}
		if ch != nil {
			ch.close()
		}
		if p.pc != nil {
			if cerr := p.pc.close(); cerr != nil {
				p.log.Debug("peer: close peer connection", "err", cerr)
			}
			live.Add(-1)
		}
		p.releaseBuild()
		p.ev.Push(func() { p.closeEv.fire(err) })
		close(p.torn)
	}()
}

// afterFunc runs f after d unless the peer is destroyed first.
func (p *Peer) afterFunc(d time.Duration, f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.destroyed {
		return
	}
	p.timers = append(p.timers, time.AfterFunc(d, f))
}

// oneShot is an event that fires at most once. A handler set after it fired
// is called at once, on a new goroutine, like a settled promise.
type oneShot[T any] struct {
	mu    sync.Mutex
	h     func(T)
	fired bool
	v     T
}

func (o *oneShot[T]) set(h func(T)) {
	o.mu.Lock()
	o.h = h
	fired, v := o.fired, o.v
	o.mu.Unlock()
	if h != nil && fired {
		go h(v)
	}
}

func (o *oneShot[T]) fire(v T) {
	o.mu.Lock()
	if o.fired {
		o.mu.Unlock()
		return
	}
	o.fired, o.v = true, v
	h := o.h
	o.mu.Unlock()
	if h != nil {
		h(v)
	}
}

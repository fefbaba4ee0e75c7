package p2p

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"
)

// mplex (libp2p's mplex spec): every message is uvarint(stream id << 3 |
// flag), uvarint(length), data. Stream ids are per opener; the flags say
// whether the sender opened the stream (…Initiator) or accepted it
// (…Receiver).
const (
	flagNewStream        = 0
	flagMessageReceiver  = 1
	flagMessageInitiator = 2
	flagCloseReceiver    = 3
	flagCloseInitiator   = 4
	flagResetReceiver    = 5
	flagResetInitiator   = 6
)

const (
	// maxMplexMessage bounds one message's data (go-mplex's limit too).
	maxMplexMessage = 1 << 20
	// mplexChunk is the data we put in one message.
	mplexChunk = 64 << 10
	// maxStreamBuffer bounds what one stream holds unread; a peer that
	// sends more gets the stream reset.
	maxStreamBuffer = 4 << 20
	// acceptBacklog bounds the opened streams not yet accepted; more are
	// reset.
	acceptBacklog = 16
)

// ErrStreamReset reports a stream that the peer or we reset.
var ErrStreamReset = errors.New("p2p: stream reset")

// errMuxClosed reports a stream or muxer used after the connection ended.
var errMuxClosed = errors.New("p2p: connection closed")

type streamKey struct {
	id   uint64
	ours bool // we opened it
}

// muxer is the dialer's side of one mplex session.
type muxer struct {
	conn net.Conn
	wmu  sync.Mutex

	mu      sync.Mutex
	streams map[streamKey]*mstream
	nextID  uint64
	err     error // why the session ended

	accept chan *mstream
	closed chan struct{}
	once   sync.Once
}

func newMuxer(conn net.Conn) *muxer {
	m := &muxer{conn: conn, streams: map[streamKey]*mstream{},
		accept: make(chan *mstream, acceptBacklog), closed: make(chan struct{})}
	go m.readLoop()
	return m
}

// flag is the flag for base (a …Initiator flag) on stream k.
func flag(k streamKey, initiator int) int {
	if k.ours {
		return initiator
	}
	return initiator - 1
}

// send writes one message.
func (m *muxer) send(id uint64, fl int, data []byte) error {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	select {
	case <-m.closed:
		return m.closeErr()
	default:
	}
	b := make([]byte, 0, 2*binary.MaxVarintLen64+len(data))
	b = binary.AppendUvarint(b, id<<3|uint64(fl))
	b = binary.AppendUvarint(b, uint64(len(data)))
	if _, err := m.conn.Write(append(b, data...)); err != nil {
		m.shut(err)
		return err
	}
	return nil
}

// NewStream opens a stream.
func (m *muxer) NewStream(ctx context.Context) (*mstream, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.err != nil {
		m.mu.Unlock()
		return nil, m.err
	}
	k := streamKey{id: m.nextID, ours: true}
	m.nextID++
	s := newMstream(m, k)
	m.streams[k] = s
	m.mu.Unlock()
	if err := m.send(k.id, flagNewStream, []byte(strconv.FormatUint(k.id, 10))); err != nil {
		return nil, err
	}
	return s, nil
}

// Accept returns the next stream the peer opened.
func (m *muxer) Accept() (*mstream, error) {
	select {
	case s := <-m.accept:
		return s, nil
	case <-m.closed:
		return nil, m.closeErr()
	}
}

// Close ends the session and every stream.
func (m *muxer) Close() error {
	m.shut(errMuxClosed)
	return nil
}

func (m *muxer) closeErr() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}

func (m *muxer) shut(err error) {
	m.once.Do(func() {
		m.mu.Lock()
		m.err = err
		streams := m.streams
		m.streams = map[streamKey]*mstream{}
		m.mu.Unlock()
		close(m.closed)
		_ = m.conn.Close()
		for _, s := range streams {
			s.fail(err)
		}
	})
}

func (m *muxer) readLoop() {
	r := bufio.NewReader(m.conn)
	for {
		h, err := binary.ReadUvarint(r)
		if err != nil {
			m.shut(err)
			return
		}
		n, err := binary.ReadUvarint(r)
		if err != nil {
			m.shut(err)
			return
		}
		if n > maxMplexMessage {
			m.shut(fmt.Errorf("p2p: mplex message of %d bytes, at most %d", n, maxMplexMessage))
			return
		}
		data := make([]byte, n)
		if _, err := io.ReadFull(r, data); err != nil {
			m.shut(err)
			return
		}
		if err := m.handle(h>>3, int(h&7), data); err != nil {
			m.shut(err)
			return
		}
	}
}

// handle applies one message from the peer.
func (m *muxer) handle(id uint64, fl int, data []byte) error {
	if fl == flagNewStream {
		k := streamKey{id: id}
		m.mu.Lock()
		if m.err != nil {
			// shut has failed every stream it knew of: one made now would
			// never end, and Accept may still hand it out.
			err := m.err
			m.mu.Unlock()
			return err
		}
		if _, dup := m.streams[k]; dup {
			m.mu.Unlock()
			return fmt.Errorf("p2p: mplex stream %d opened twice", id)
		}
		s := newMstream(m, k)
		m.streams[k] = s
		m.mu.Unlock()
		select {
		case m.accept <- s:
		default:
			_ = s.Reset()
		}
		return nil
	}
	if fl > flagResetInitiator {
		return fmt.Errorf("p2p: mplex flag %d", fl)
	}
	// The …Initiator flags come from the opener: the peer, not us.
	k := streamKey{id: id, ours: fl%2 == 1}
	m.mu.Lock()
	s := m.streams[k]
	m.mu.Unlock()
	if s == nil {
		return nil // a stream already reset or closed both ways
	}
	switch fl {
	case flagMessageReceiver, flagMessageInitiator:
		s.push(data)
	case flagCloseReceiver, flagCloseInitiator:
		s.remoteClose()
	default:
		s.fail(ErrStreamReset)
		m.forget(k)
	}
	return nil
}

func (m *muxer) forget(k streamKey) {
	m.mu.Lock()
	delete(m.streams, k)
	m.mu.Unlock()
}

// mstream is one mplex stream.
type mstream struct {
	m   *muxer
	key streamKey

	mu           sync.Mutex
	buf          []byte // received, unread
	remoteClosed bool   // the peer closed its side: EOF after buf
	readClosed   bool   // Close: drop what arrives
	writeClosed  bool
	err          error // reset or session end
	readDL       time.Time
	writeDL      time.Time
	wake         chan struct{}
}

func newMstream(m *muxer, k streamKey) *mstream {
	return &mstream{m: m, key: k, wake: make(chan struct{}, 1)}
}

func (s *mstream) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// push buffers data from the peer, or resets the stream past its bound.
func (s *mstream) push(data []byte) {
	s.mu.Lock()
	switch {
	case s.err != nil || s.readClosed || s.remoteClosed:
		s.mu.Unlock()
		return
	case len(s.buf)+len(data) > maxStreamBuffer:
		s.mu.Unlock()
		_ = s.Reset()
		return
	}
	s.buf = append(s.buf, data...)
	s.mu.Unlock()
	s.signal()
}

func (s *mstream) remoteClose() {
	s.mu.Lock()
	s.remoteClosed = true
	done := s.writeClosed
	s.mu.Unlock()
	s.signal()
	if done {
		s.m.forget(s.key)
	}
}

// fail ends the stream with err (reset, or the session ended).
func (s *mstream) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.buf = nil
	s.mu.Unlock()
	s.signal()
}

func (s *mstream) Read(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		switch {
		case len(s.buf) > 0:
			n := copy(b, s.buf)
			s.buf = s.buf[n:]
			if len(s.buf) == 0 {
				s.buf = nil
			}
			return n, nil
		case s.err != nil:
			return 0, s.err
		case s.remoteClosed:
			return 0, io.EOF
		case s.readClosed:
			return 0, errMuxClosed
		}
		var t *time.Timer
		var timeout <-chan time.Time
		if !s.readDL.IsZero() {
			d := time.Until(s.readDL)
			if d <= 0 {
				return 0, os.ErrDeadlineExceeded
			}
			t = time.NewTimer(d)
			timeout = t.C
		}
		s.mu.Unlock()
		select {
		case <-s.wake:
		case <-timeout:
		}
		if t != nil {
			t.Stop()
		}
		s.mu.Lock()
	}
}

func (s *mstream) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		s.mu.Lock()
		err, closed, dl := s.err, s.writeClosed, s.writeDL
		s.mu.Unlock()
		switch {
		case err != nil:
			return n, err
		case closed:
			return n, errMuxClosed
		case !dl.IsZero() && !time.Now().Before(dl):
			return n, os.ErrDeadlineExceeded
		}
		c := b[:min(len(b), mplexChunk)]
		if err := s.m.send(s.key.id, flag(s.key, flagMessageInitiator), c); err != nil {
			return n, err
		}
		n += len(c)
		b = b[len(c):]
	}
	return n, nil
}

// CloseWrite closes our side: the peer reads EOF.
func (s *mstream) CloseWrite() error {
	s.mu.Lock()
	if s.writeClosed || s.err != nil {
		err := s.err
		s.mu.Unlock()
		return err
	}
	s.writeClosed = true
	done := s.remoteClosed
	s.mu.Unlock()
	if done {
		s.m.forget(s.key)
	}
	return s.m.send(s.key.id, flag(s.key, flagCloseInitiator), nil)
}

// Close closes our side and drops whatever the peer still sends.
func (s *mstream) Close() error {
	s.mu.Lock()
	s.readClosed = true
	s.buf = nil
	s.mu.Unlock()
	s.signal()
	return s.CloseWrite()
}

// Reset aborts the stream both ways.
func (s *mstream) Reset() error {
	s.mu.Lock()
	already := s.err != nil
	if !already {
		s.err = ErrStreamReset
	}
	s.buf = nil
	s.mu.Unlock()
	s.signal()
	s.m.forget(s.key)
	if already {
		return nil
	}
	return s.m.send(s.key.id, flag(s.key, flagResetInitiator), nil)
}

func (s *mstream) SetDeadline(t time.Time) error {
	s.mu.Lock()
	s.readDL, s.writeDL = t, t
	s.mu.Unlock()
	s.signal()
	return nil
}

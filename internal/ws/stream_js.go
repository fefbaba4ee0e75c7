//go:build js

package ws

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"
)

// Stream reads and writes messages of type typ on c as a byte stream; ctx
// ending closes c. It also has SetDeadline, SetReadDeadline and
// SetWriteDeadline: a passed deadline interrupts a blocked Read or Write
// without closing c, with os.ErrDeadlineExceeded. (It is no net.Conn so that
// builds without ws/wsnet leave the net package out.)
func Stream(ctx context.Context, c *Conn, typ MessageType) io.ReadWriteCloser {
	nc := &netConn{c: c, typ: typ, rd: newDeadline(), wd: newDeadline()}
	nc.stop = context.AfterFunc(ctx, func() { c.CloseNow() })
	return nc
}

var errWrongType = errors.New("ws: message of the wrong type (text or binary) for this stream")

type netConn struct {
	c    *Conn
	typ  MessageType
	stop func() bool
	rd   *deadline
	wd   *deadline

	rmu  sync.Mutex // one reader
	rest []byte     // unread bytes of the current message
}

func (nc *netConn) Read(p []byte) (int, error) {
	nc.rmu.Lock()
	defer nc.rmu.Unlock()
	for len(nc.rest) == 0 {
		m, err := nc.c.next(nc.rd.wait())
		if err == errInterrupted {
			return 0, os.ErrDeadlineExceeded
		}
		if err != nil {
			if ce, ok := err.(CloseError); ok && (ce.Code == StatusNormalClosure || ce.Code == statusNoStatus) {
				return 0, io.EOF
			}
			return 0, err
		}
		if m.typ != nc.typ {
			nc.c.CloseNow()
			return 0, errWrongType
		}
		nc.rest = m.data
	}
	n := copy(p, nc.rest)
	nc.rest = nc.rest[n:]
	return n, nil
}

func (nc *netConn) Write(p []byte) (int, error) {
	err := nc.c.write(nc.wd.wait(), func() error { return os.ErrDeadlineExceeded }, nc.typ, p)
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

func (nc *netConn) Close() error {
	nc.stop()
	return nc.c.Close(StatusNormalClosure, "")
}

func (nc *netConn) SetDeadline(t time.Time) error {
	nc.rd.set(t)
	nc.wd.set(t)
	return nil
}
func (nc *netConn) SetReadDeadline(t time.Time) error  { nc.rd.set(t); return nil }
func (nc *netConn) SetWriteDeadline(t time.Time) error { nc.wd.set(t); return nil }

// deadline is a channel that closes when a settable time passes.
type deadline struct {
	mu    sync.Mutex
	timer *time.Timer
	ch    chan struct{}
}

func newDeadline() *deadline { return &deadline{ch: make(chan struct{})} }

// set moves the deadline to t; the zero time means none.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil && !d.timer.Stop() {
		<-d.ch // the old timer fired: make a fresh channel
	}
	d.timer = nil
	select {
	case <-d.ch:
		d.ch = make(chan struct{})
	default:
	}
	if t.IsZero() {
		return
	}
	if dur := time.Until(t); dur <= 0 {
		close(d.ch)
		return
	}
	ch := d.ch
	d.timer = time.AfterFunc(time.Until(t), func() { close(ch) })
}

// wait returns the channel that closes at the deadline.
func (d *deadline) wait() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ch
}

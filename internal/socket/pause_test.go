package socket

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
)

// logLines is a slog handler that passes every message to a channel.
type logLines chan string

func (l logLines) Enabled(context.Context, slog.Level) bool { return true }
func (l logLines) Handle(_ context.Context, r slog.Record) error {
	select {
	case l <- r.Message:
	default:
	}
	return nil
}
func (l logLines) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l logLines) WithGroup(string) slog.Handler      { return l }

// TestPauseReconnection: while reconnection is paused a socket whose
// connection ends waits; resuming reconnects it at once, although its
// reconnect wait is an hour.
func TestPauseReconnection(t *testing.T) {
	e := startEcho(t, "127.0.0.1:0")
	lines := make(logLines, 64)
	s := Dial("ws://"+e.addr, &Options{Reconnect: posthorn.ReconnectPolicy{Wait: time.Hour, MaxWait: time.Hour}, Logger: slog.New(lines)})
	defer s.Close()
	waitState(t, s, posthorn.RelayOpen)

	PauseReconnection()
	PauseReconnection() // twice is once
	defer ResumeReconnection()
	e.stop()
	deadline := time.After(10 * time.Second)
	for waiting := false; !waiting; {
		select {
		case l := <-lines:
			if strings.Contains(l, "reconnecting") {
				t.Fatalf("the socket went on reconnecting while paused: %q", l)
			}
			waiting = strings.Contains(l, "reconnection paused")
		case <-deadline:
			t.Fatal("the socket never waited for the pause to end")
		}
	}
	e2 := startEcho(t, e.addr)
	defer e2.stop()
	ResumeReconnection()
	if Paused() != nil {
		t.Fatal("still paused after resume")
	}
	waitState(t, s, posthorn.RelayOpen)
	ResumeReconnection() // without a pause: nothing
}

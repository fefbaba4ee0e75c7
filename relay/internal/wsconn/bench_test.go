package wsconn

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

// BenchmarkRead: one op is one 2.4 KB message (a tracker announce with 3
// offers) read by Conn.Read; B/op and allocs/op are the whole process's,
// the client's writes included.
func BenchmarkRead(b *testing.B) {
	msg := bytes.Repeat([]byte{'x'}, 2400)
	read := make(chan int)
	ctx, cancel := context.WithCancel(context.Background())
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		ws.SetReadLimit(1 << 20)
		c := New(ctx, ws, testLimits)
		defer c.Close()
		for n := 0; ; n++ {
			m, err := c.Read()
			if err != nil {
				return
			}
			if len(m) != len(msg) {
				b.Errorf("read %d bytes, want %d", len(m), len(msg))
			}
			read <- n
		}
	}))
	defer func() { cancel(); hs.Close() }()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.CloseNow()
	b.ReportAllocs()
	for b.Loop() {
		if err := ws.Write(ctx, websocket.MessageText, msg); err != nil {
			b.Fatal(err)
		}
		<-read
	}
}

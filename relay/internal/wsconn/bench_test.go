package wsconn

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

// BenchmarkRead: one op is one message read by Conn.Read: 2.4 KB (a
// tracker announce with 3 offers) or 100 KB (the size of the bench's
// hostile Nostr events). B/op and allocs/op are the whole process's, the
// client's writes included.
func BenchmarkRead(b *testing.B) {
	for _, size := range []int{2400, 100_000} {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) { benchmarkRead(b, size) })
	}
}

func benchmarkRead(b *testing.B, size int) {
	msg := bytes.Repeat([]byte{'x'}, size)
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

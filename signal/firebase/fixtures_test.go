package firebase

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/rtdb"
	"github.com/posthorn/posthorn/internal/strategytest"
)

// db is a raw database client for the tests: it writes like another
// peer's SDK would and watches a path.
type db struct {
	t  testing.TB
	c  *rtdb.Client
	up chan struct{}

	mu      sync.Mutex
	tree    rtdb.Tree
	changed chan struct{} // closed and replaced on every change
}

// dial connects a raw client to url and watches path.
func dial(t testing.TB, url, path string) *db {
	t.Helper()
	c, err := rtdb.New(url, rtdb.Options{Reconnect: posthorn.ReconnectPolicy{Wait: 100 * time.Millisecond, MaxWait: time.Second}, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	d := &db{t: t, c: c, up: make(chan struct{}), changed: make(chan struct{})}
	var once sync.Once
	c.OnConnect(func(ctx context.Context) {
		err := c.Listen(ctx, path, func(e rtdb.Event) {
			d.mu.Lock()
			if err := d.tree.Apply(e); err != nil {
				t.Errorf("watch %s: %v", path, err)
			}
			close(d.changed)
			d.changed = make(chan struct{})
			d.mu.Unlock()
		})
		if err == nil {
			once.Do(func() { close(d.up) })
		}
	})
	c.Start()
	t.Cleanup(c.Close)
	select {
	case <-d.up:
	case <-time.After(strategytest.WaitTimeout):
		t.Fatalf("database %s never answered", url)
	}
	return d
}

// put writes v at path and waits for the acknowledgement.
func (d *db) put(path string, v any) {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), strategytest.WaitTimeout)
	defer cancel()
	if err := d.c.Put(ctx, path, v); err != nil {
		d.t.Fatalf("put %s: %v", path, err)
	}
}

// wait waits until ok holds for the watched tree (ok may keep what it saw).
func (d *db) wait(what string, ok func(t *rtdb.Tree) bool) {
	d.t.Helper()
	deadline := time.After(strategytest.WaitTimeout)
	for {
		d.mu.Lock()
		done, ch := ok(&d.tree), d.changed
		d.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			d.mu.Lock()
			defer d.mu.Unlock()
			d.t.Fatalf("never: %s; tree %v", what, d.tree.Get())
		}
	}
}

// shape describes a JSON text's members in order and its leaves' kinds,
// so that two signals can be compared without their random contents.
func shape(t testing.TB, s string) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	out, err := shapeOf(dec)
	if err != nil {
		t.Fatalf("shape of %.80q: %v", s, err)
	}
	return out
}

func shapeOf(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	switch v := tok.(type) {
	case json.Delim:
		var parts []string
		for dec.More() {
			key := ""
			if v == '{' {
				k, err := dec.Token()
				if err != nil {
					return "", err
				}
				key = fmt.Sprint(k) + ":"
			}
			inner, err := shapeOf(dec)
			if err != nil {
				return "", err
			}
			parts = append(parts, key+inner)
		}
		end, err := dec.Token()
		if err != nil {
			return "", err
		}
		return v.String() + strings.Join(parts, ",") + fmt.Sprint(end), nil
	case string:
		return "s", nil
	case json.Number:
		return "n", nil
	case bool:
		return "b", nil
	}
	return "null", nil
}

func testLogger(testing.TB) *slog.Logger { return slog.New(slog.DiscardHandler) }

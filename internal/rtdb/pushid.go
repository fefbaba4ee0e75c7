package rtdb

import (
	"crypto/rand"
	"sync"
	"time"
)

// pushChars is the SDKs' push id alphabet, in ASCII order, so that ids
// sort as their times do.
const pushChars = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

// PushIDs generates push ids like the SDKs' push(): 8 characters of
// milliseconds since 1970, then 12 random ones; within one millisecond the
// random part of the previous id is incremented, so a generator's ids are
// strictly increasing in string order.
type PushIDs struct {
	mu       sync.Mutex
	lastTime int64
	last     [12]byte // indexes into pushChars
	now      func() time.Time
}

// Next returns a new push id.
func (g *PushIDs) Next() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now
	if g.now != nil {
		now = g.now
	}
	ms := now().UnixMilli()
	if ms <= g.lastTime {
		// same millisecond (or the clock went back): increment
		ms = g.lastTime
		i := len(g.last) - 1
		for ; i >= 0 && g.last[i] == 63; i-- {
			g.last[i] = 0
		}
		if i < 0 {
			ms++ // 64^12 ids in one millisecond: move on to the next one
		} else {
			g.last[i]++
		}
	} else {
		var r [12]byte
		if _, err := rand.Read(r[:]); err != nil {
			panic("rtdb: crypto/rand failed: " + err.Error())
		}
		for i := range r {
			g.last[i] = r[i] & 63
		}
	}
	g.lastTime = ms
	var id [20]byte
	for i := 7; i >= 0; i-- {
		id[i] = pushChars[ms&63]
		ms >>= 6
	}
	for i, c := range g.last {
		id[8+i] = pushChars[c]
	}
	return string(id[:])
}

package firebase

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/rtdb"
)

// GetOccupants returns the ids of the peers whose nodes are in roomID now,
// sorted, without joining it (Trystero's getOccupants: one read of
// <rootPath>/<roomId>). Unlike 0.18, which returns every key, it leaves out
// nodes without the presence member: mailboxes of departed peers that late
// signals recreated. With several databases (cfg.RelayURLs) it returns
// the union. It fails if a database cannot be read before ctx ends.
func (s *Strategy) GetOccupants(ctx context.Context, cfg posthorn.Config, roomID string) ([]string, error) {
	if cfg.AppID == "" && len(cfg.RelayURLs) == 0 {
		return nil, posthorn.ErrNoAppID
	}
	if roomID == "" {
		return nil, posthorn.ErrNoRoomID
	}
	path, err := roomPath(cfg, roomID)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, url := range databases(cfg) {
		keys, err := s.readKeys(ctx, url, path)
		if err != nil {
			return nil, fmt.Errorf("firebase: occupants of %q in %s: %w", roomID, url, err)
		}
		for _, k := range keys {
			ids[k] = true
		}
	}
	return slices.Sorted(maps.Keys(ids)), nil
}

// readKeys connects to url, reads path's child keys once and disconnects.
func (s *Strategy) readKeys(ctx context.Context, url, path string) ([]string, error) {
	c, err := rtdb.New(url, rtdb.Options{Reconnect: s.sh.Reconnect(), Logger: s.sh.Log()})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	type result struct {
		keys []string
		err  error
	}
	res := make(chan result, 1)
	var once sync.Once
	var lastErr error
	var mu sync.Mutex
	c.OnError(func(err error) {
		mu.Lock()
		lastErr = err
		mu.Unlock()
	})
	c.OnConnect(func(cctx context.Context) {
		err := c.Listen(cctx, path, func(e rtdb.Event) {
			var t rtdb.Tree
			if err := t.Apply(e); err != nil {
				once.Do(func() { res <- result{err: err} })
				return
			}
			once.Do(func() { res <- result{keys: slices.Collect(maps.Keys(present(t.Children())))} })
		})
		if err != nil {
			once.Do(func() { res <- result{err: err} })
		}
	})
	c.Start()
	select {
	case r := <-res:
		return r.keys, r.err
	case <-ctx.Done():
		mu.Lock()
		defer mu.Unlock()
		if lastErr != nil {
			return nil, fmt.Errorf("%w (last failure: %v)", ctx.Err(), lastErr)
		}
		return nil, ctx.Err()
	}
}

// GetOccupants returns the peers in roomID with the default instance.
func GetOccupants(ctx context.Context, cfg posthorn.Config, roomID string) ([]string, error) {
	return defaultStrategy().GetOccupants(ctx, cfg, roomID)
}

package relay

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// shutdownGrace bounds how long Serve waits for plain HTTP requests to end.
const shutdownGrace = 5 * time.Second

// Serve serves h (nil means r itself) on ln until ctx ends, then closes r
// first, because hijacked WebSockets outlive http.Server.Shutdown, and shuts
// the server down. It returns nil after a shutdown.
func (r *Relay) Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	if h == nil {
		h = r
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		r.Close()
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-stopped
		return nil
	}
	return err
}

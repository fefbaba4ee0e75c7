package tracker_test

import (
	"net/http"
	"time"

	"github.com/posthorn/posthorn/relay/tracker"
)

// A tracker is an http.Handler: mount it where the tracker URL points.
// Clients then use ws://127.0.0.1:8000/ (or .../announce) as a relay URL.
func ExampleNew() {
	trk := tracker.New(tracker.Config{Interval: 2 * time.Minute})
	defer trk.Close()
	mux := http.NewServeMux()
	mux.Handle("/announce", trk)
	mux.Handle("/", trk)
	_ = &http.Server{Addr: "127.0.0.1:8000", Handler: mux}
	// srv.ListenAndServe()
}

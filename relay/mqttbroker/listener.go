package mqttbroker

import (
	"log/slog"
	"net"
	"sync"

	"github.com/mochi-mqtt/server/v2/listeners"
)

// listenerID names the one mochi listener of a Server; mochi uses it to find
// the clients to disconnect on Close.
const listenerID = "posthorn-ws"

// handlerListener is a mochi listener that listens on nothing: ServeHTTP
// hands it the connections it upgrades. mochi calls Serve once with the
// function that runs a connection's MQTT session.
type handlerListener struct {
	mu        sync.Mutex
	establish listeners.EstablishFn
	ready     chan struct{}
	closed    bool
}

func newHandlerListener() *handlerListener {
	return &handlerListener{ready: make(chan struct{})}
}

func (l *handlerListener) ID() string              { return listenerID }
func (l *handlerListener) Address() string         { return "http.Handler" }
func (l *handlerListener) Protocol() string        { return "ws" }
func (l *handlerListener) Init(*slog.Logger) error { return nil }

// Serve records mochi's connection handler.
func (l *handlerListener) Serve(establish listeners.EstablishFn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.establish == nil {
		l.establish = establish
		close(l.ready)
	}
}

// Close marks the listener closed and disconnects its clients.
func (l *handlerListener) Close(closeClients listeners.CloseFn) {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	closeClients(listenerID)
}

// serve runs one connection's MQTT session until it ends. It returns
// ErrClosed after Close.
func (l *handlerListener) serve(c net.Conn) error {
	<-l.ready
	l.mu.Lock()
	closed, establish := l.closed, l.establish
	l.mu.Unlock()
	if closed {
		return ErrClosed
	}
	return establish(listenerID, c)
}

package rtdb

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrURL rejects a database URL that names no host.
var ErrURL = errors.New("rtdb: invalid database URL")

// DatabaseURL is a parsed database URL (Trystero's appId, or a Firebase
// app's databaseURL): "https://<ns>.firebaseio.com",
// "<ns>.firebaseio.com", "https://<ns>.<region>.firebasedatabase.app", or
// an emulator's "http://127.0.0.1:9000?ns=<ns>".
type DatabaseURL struct {
	Secure    bool   // wss rather than ws
	Host      string // host[:port]
	Namespace string // the ns query member, else the host's first label
}

// ParseURL parses a database URL. Schemes https and wss (or none) mean a
// TLS connection; http and ws a plain one, as the SDKs treat emulators.
func ParseURL(s string) (DatabaseURL, error) {
	raw := strings.TrimSpace(s)
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return DatabaseURL{}, fmt.Errorf("%w %q: %v", ErrURL, s, err)
	}
	var d DatabaseURL
	switch u.Scheme {
	case "https", "wss":
		d.Secure = true
	case "http", "ws":
	default:
		return DatabaseURL{}, fmt.Errorf("%w %q: scheme %q", ErrURL, s, u.Scheme)
	}
	if u.Hostname() == "" {
		return DatabaseURL{}, fmt.Errorf("%w %q: no host", ErrURL, s)
	}
	d.Host = u.Host
	d.Namespace = u.Query().Get("ns")
	if d.Namespace == "" {
		d.Namespace, _, _ = strings.Cut(u.Hostname(), ".")
	}
	return d, nil
}

// WebSocketURL is where the protocol is spoken: /.ws?v=5&ns=<ns> on host
// (or on the host a server redirected us to, if not "").
func (d DatabaseURL) WebSocketURL(host string) string {
	if host == "" {
		host = d.Host
	}
	scheme := "ws"
	if d.Secure {
		scheme = "wss"
	}
	return scheme + "://" + host + "/.ws?" + url.Values{"v": {"5"}, "ns": {d.Namespace}}.Encode()
}

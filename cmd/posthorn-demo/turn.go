//go:build !js

package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"

	"github.com/posthorn/posthorn/relay/turn"
)

// startTURN runs posthorn-relay's TURN server on addr for the demo, with a
// fresh secret, and returns the iceServers entry that uses it (credentials
// valid for a day).
func startTURN(addr string, log *slog.Logger) (*turn.Server, iceServer, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, iceServer{}, err
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return nil, iceServer{}, fmt.Errorf("TURN address %q needs an IP host", addr)
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	srv, err := turn.Start(turn.Config{Addr: addr, PublicIP: ip, Secret: hex.EncodeToString(secret), Logger: log})
	if err != nil {
		return nil, iceServer{}, err
	}
	user, pass := turn.Credentials(hex.EncodeToString(secret), "demo", 0)
	hostPort := net.JoinHostPort(host, fmt.Sprint(srv.Port()))
	return srv, iceServer{
		URLs:     []string{"turn:" + hostPort + "?transport=udp", "turn:" + hostPort + "?transport=tcp"},
		Username: user, Credential: pass,
	}, nil
}

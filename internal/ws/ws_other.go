//go:build !js

package ws

import (
	"context"
	"io"

	"github.com/coder/websocket"
)

// Conn is one WebSocket connection.
type Conn = websocket.Conn

// MessageType is the type of a WebSocket data message.
type MessageType = websocket.MessageType

// StatusCode is a WebSocket close code.
type StatusCode = websocket.StatusCode

// CloseError is the close frame that ended a connection.
type CloseError = websocket.CloseError

// Message types and the normal close code.
const (
	MessageText         = websocket.MessageText
	MessageBinary       = websocket.MessageBinary
	StatusNormalClosure = websocket.StatusNormalClosure
)

// Dial opens a WebSocket to url offering subprotocols; ctx bounds the
// handshake.
func Dial(ctx context.Context, url string, subprotocols []string) (*Conn, error) {
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: subprotocols})
	return c, err
}

// Stream reads and writes messages of type typ on c as a byte stream; ctx
// ending closes c. Natively it is coder/websocket's NetConn.
func Stream(ctx context.Context, c *Conn, typ MessageType) io.ReadWriteCloser {
	return websocket.NetConn(ctx, c, typ)
}

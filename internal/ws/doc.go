// Package ws is the WebSocket client of the relay connections (internal/socket,
// internal/mqttclient, internal/rtdb, internal/p2p). Natively it is
// coder/websocket, unchanged; in the js/wasm build it is the browser's own
// WebSocket through syscall/js, so the browser bundles carry neither net/http
// nor crypto/tls (coder/websocket's js build still imports net/http for its
// dial options). Both builds have the same names: Dial, Conn (Read, Write,
// SetReadLimit, Close, CloseNow), Stream, MessageText, MessageBinary,
// StatusNormalClosure and CloseError.
//
// ws/wsnet adds NetConn (a net.Conn over a Conn) in its own package, so only
// the builds that need net.Conn carry the net package.
package ws

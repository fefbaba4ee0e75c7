//go:build js && wasm

package jsapi

import (
	"syscall/js"

	"github.com/posthorn/posthorn/internal/socket"
)

// watchOnline is @trystero-p2p/core's watchOnline for a module with the
// relay pause: from its first room on, unless that room's config has
// relayConfig.manualReconnection, the window's offline event pauses relay
// reconnection and online resumes it, until its last room leaves (stopOnline,
// called by forget). Called with m.mu held when a 0.25 room is added.
func (m *module) watchOnline(cfg js.Value) {
	if !m.relayPause || m.stopOnline != nil || len(m.rooms) != 0 {
		return
	}
	if rc := option(cfg, "relayConfig"); rc.Type() == js.TypeObject && option(rc, "manualReconnection").Truthy() {
		return
	}
	if js.Global().Get("addEventListener").Type() != js.TypeFunction {
		return // Node and other hosts without pages
	}
	offline := js.FuncOf(func(js.Value, []js.Value) any { socket.PauseReconnection(); return nil })
	online := js.FuncOf(func(js.Value, []js.Value) any { socket.ResumeReconnection(); return nil })
	js.Global().Call("addEventListener", "offline", offline)
	js.Global().Call("addEventListener", "online", online)
	m.stopOnline = func() {
		js.Global().Call("removeEventListener", "offline", offline)
		js.Global().Call("removeEventListener", "online", online)
		offline.Release()
		online.Release()
	}
}

//go:build js && wasm

package jsapi

import "syscall/js"

// closeOnPageHide makes the page's going away a leave the other peers see
// at once: on pagehide (the tab closing or navigating elsewhere) it closes
// every peer connection of every room of m right in the event handler, then
// leaves the rooms. A leave on a goroutine would come too late, the page is
// gone by then; and without a close Firefox notices a vanished Chromium
// page only when ICE fails, about 30 s later (0.18 has no leave message:
// closing is leaving, protocol-0.18 §4.4).
func (m *module) closeOnPageHide() {
	if js.Global().Get("addEventListener").Type() != js.TypeFunction {
		return // Node and other hosts without pages
	}
	js.Global().Call("addEventListener", "pagehide", js.FuncOf(func(js.Value, []js.Value) any {
		m.mu.Lock()
		rooms := make([]*jsRoom, 0, len(m.rooms))
		for _, jr := range m.rooms {
			rooms = append(rooms, jr)
		}
		m.mu.Unlock()
		for _, jr := range rooms {
			if r := jr.joined(); r != nil {
				for _, pc := range r.Peers() {
					pc.Call("close")
				}
			}
			jr.leave(js.Undefined(), nil)
		}
		return nil
	}))
}

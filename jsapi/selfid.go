//go:build js && wasm

package jsapi

import (
	"syscall/js"

	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/ids"
)

// SharedSelfID returns the page's peer id for a strategy's default
// instance. Trystero has one selfId per JS realm, shared by every strategy
// module (utils.js); each posthorn strategy is its own wasm instance, so the
// first one to start publishes its id on globalThis.__posthorn.selfId and
// later ones adopt it.
func SharedSelfID() string {
	reg := js.Global().Get(RegistryName)
	if reg.Type() != js.TypeObject {
		reg = jsObject.New()
		js.Global().Set(RegistryName, reg)
	}
	if v := reg.Get("selfId"); v.Type() == js.TypeString && ids.Valid(v.String()) {
		return v.String()
	}
	reg.Set("selfId", engine.SelfID)
	return engine.SelfID
}

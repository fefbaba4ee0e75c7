//go:build js && wasm

package peer

// closeWaits: in the browser Close must not block (see Close).
const closeWaits = false

//go:build js && wasm

package jsapi

import (
	"encoding/json"
	"syscall/js"

	"github.com/posthorn/posthorn/transfer"
)

var (
	// jsTypedArray is %TypedArray%, the prototype of every TypedArray
	// constructor: room.js's `Object.getPrototypeOf(Uint8Array)`.
	jsTypedArray = js.Global().Get("Object").Call("getPrototypeOf", jsUint8Array)
	jsBlob       = js.Global().Get("Blob") // undefined where there is none
)

// outgoing is one send call's data, converted as room.js converts it
// (protocol-0.18 §5.3).
type outgoing struct {
	data any      // string, []byte or json.RawMessage, as room.Action.Send takes it
	blob js.Value // a Blob still to be read (data is then nil)
	meta json.RawMessage
}

// isBinary is room.js's test: Blob, ArrayBuffer or any TypedArray. A
// DataView is none of these and goes out as JSON ("{}").
func isBinary(v js.Value) bool {
	if v.Type() != js.TypeObject {
		return false
	}
	return isBlob(v) || v.InstanceOf(jsArrayBuf) || v.InstanceOf(jsTypedArray)
}

func isBlob(v js.Value) bool {
	return jsBlob.Type() == js.TypeFunction && v.Type() == js.TypeObject && v.InstanceOf(jsBlob)
}

// convertSend applies room.js's argument checks to send(data, _, meta) and
// converts data and meta. Everything but a Blob's bytes is copied now, so a
// caller may reuse its buffers as soon as send returns.
func convertSend(data, meta js.Value) (outgoing, error) {
	var out outgoing
	hasMeta := meta.Truthy()
	if hasMeta && meta.Type() != js.TypeObject {
		return out, transfer.ErrMetaNotObject
	}
	if data.IsUndefined() {
		return out, errDataUndefined
	}
	bin := isBinary(data)
	if hasMeta && !bin {
		return out, transfer.ErrMetaNotBinary
	}
	if hasMeta {
		out.meta = json.RawMessage(jsJSON.Call("stringify", meta).String())
	}
	return out, convertData(data, &out)
}

// convertData fills out's payload from data (not undefined): a Blob to
// read later, binary bytes, a string, or JSON text.
func convertData(data js.Value, out *outgoing) error {
	switch {
	case isBlob(data):
		out.blob = data
	case isBinary(data):
		out.data = binaryBytes(data)
	case data.Type() == js.TypeString:
		out.data = data.String()
	default:
		s := jsJSON.Call("stringify", data)
		if s.Type() != js.TypeString {
			return errNotJSON
		}
		out.data = json.RawMessage(s.String())
	}
	return nil
}

// binaryBytes copies an ArrayBuffer or TypedArray the way room.js's
// `new Uint8Array(data)` sees it: an ArrayBuffer's bytes, a Uint8Array's
// view, and any other TypedArray element by element, each element taken
// modulo 256 (protocol-0.18 §5.3: Float32Array [1.5, 2, 300] → 01 02 2c).
func binaryBytes(v js.Value) []byte {
	u8 := v
	if !v.InstanceOf(jsUint8Array) {
		u8 = jsUint8Array.New(v)
	}
	b := make([]byte, u8.Get("byteLength").Int())
	js.CopyBytesToGo(b, u8)
	return b
}

// readBlob reads a Blob's bytes; it waits, so it runs on a goroutine.
func readBlob(blob js.Value) ([]byte, error) {
	ab, err := await(blob.Call("arrayBuffer"))
	if err != nil {
		return nil, err
	}
	return binaryBytes(ab), nil
}

// toJS converts a received message the way room.js hands it to the
// receiver: binary as an ArrayBuffer, JSON through JSON.parse, strings as
// strings (protocol-0.18 §5.4 step 5).
func toJS(m transfer.Message) js.Value {
	switch m.Kind {
	case transfer.KindBinary:
		return arrayBuffer(m.Data)
	case transfer.KindJSON:
		return jsJSON.Call("parse", string(m.Data))
	}
	return js.ValueOf(string(m.Data))
}

// arrayBuffer copies b into a new ArrayBuffer.
func arrayBuffer(b []byte) js.Value {
	u8 := jsUint8Array.New(len(b))
	js.CopyBytesToJS(u8, b)
	return u8.Get("buffer")
}

// metaToJS parses metadata JSON, or returns undefined for none.
func metaToJS(meta json.RawMessage) js.Value {
	if len(meta) == 0 {
		return js.Undefined()
	}
	return jsJSON.Call("parse", string(meta))
}

// targetIDs converts room.js's targets argument: falsy means every peer
// (nil), a string one peer, an array a list (possibly empty: nobody).
func targetIDs(v js.Value) []string {
	if !v.Truthy() {
		return nil
	}
	if jsArray.Call("isArray", v).Bool() {
		n := v.Length()
		ids := make([]string, 0, n)
		for i := range n {
			ids = append(ids, jsString.Invoke(v.Index(i)).String())
		}
		return ids
	}
	return []string{jsString.Invoke(v).String()}
}

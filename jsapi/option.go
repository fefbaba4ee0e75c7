//go:build js && wasm

package jsapi

import "syscall/js"

var jsReflect = js.Global().Get("Reflect")

// option is opts[name], undefined when opts is neither an object nor a
// function. It reads it with Reflect.get: a getter that throws then panics
// with a js.Error that funcOf and asyncFunc turn into a throw or a
// rejection, where Value.Get would stop the Go runtime (wasm_exec.js's
// valueGet has no catch).
func option(opts js.Value, name string) js.Value {
	if t := opts.Type(); t != js.TypeObject && t != js.TypeFunction {
		return js.Undefined()
	}
	return jsReflect.Call("get", opts, name)
}

// funcOption is opts[name] if it is a function, else null (0.25's unset
// callback).
func funcOption(opts js.Value, name string) js.Value {
	if f := option(opts, name); f.Type() == js.TypeFunction {
		return f
	}
	return js.Null()
}

func jsReflectHas(o js.Value, key string) bool { return jsReflect.Call("has", o, key).Bool() }

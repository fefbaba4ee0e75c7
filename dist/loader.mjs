// posthorn loader: instantiates one posthorn-<strategy>.wasm and resolves
// with the module object its Go main exports (jsapi.Export), i.e.
// {joinRoom, selfId, getRelaySockets}. Shared by the per-strategy modules.

// wasm_exec.js (from the Go distribution) assigns globalThis.Go.
import './wasm_exec.js'

const registry = (globalThis.__posthorn ??= {})
const waiting = (registry.__waiting ??= {})
const loads = {}

// load returns the strategy's module object, instantiating its wasm once
// per page (a second import of the same strategy, even through another
// copy of this file, gets the same instance).
export const load = (name, url) => (loads[name] ??= start(name, url))

// load025 returns the strategy's Trystero 0.25 module object, which the
// same wasm exports next to the 0.18 one (jsapi.Export with Protocol025).
export const load025 = async (name, url) => {
  await load(name, url)
  const mod = registry[`${name}@0.25`]
  if (!mod) {
    throw new Error(`posthorn: this build of posthorn-${name}.wasm has no Trystero 0.25 API`)
  }
  return mod
}

const start = async (name, url) => {
  if (registry[name]) {
    return registry[name]
  }
  const exported = new Promise(resolve => (waiting[name] = resolve))
  const go = new globalThis.Go()
  const {instance} = await instantiate(url, go.importObject)
  // go.run settles only when the Go program exits, which posthorn's never
  // does while the page lives; Export runs during this call.
  go.run(instance).then(
    () => console.warn(`posthorn: ${name} runtime exited`),
    e => console.error(`posthorn: ${name} runtime crashed`, e)
  )
  const mod = await exported
  delete waiting[name]
  return mod
}

const instantiate = async (url, imports) => {
  if (url.protocol === 'file:') {
    // Node and other file-based hosts: no fetch for file: URLs.
    const {readFile} = await import('node:fs/promises')
    return WebAssembly.instantiate(await readFile(url), imports)
  }
  const res = await fetch(url)
  if (!res.ok) {
    throw new Error(`posthorn: fetching ${url}: HTTP ${res.status}`)
  }
  // Compile while the bytes arrive. Streaming needs the response served as
  // application/wasm; anything else is compiled from the whole body. (No
  // res.clone() to try both: the unread copy would buffer every byte.)
  const type = (res.headers.get('Content-Type') || '').split(';')[0].trim().toLowerCase()
  if (WebAssembly.instantiateStreaming && type === 'application/wasm') {
    return WebAssembly.instantiateStreaming(res, imports)
  }
  return WebAssembly.instantiate(await res.arrayBuffer(), imports)
}

// bench.js drives one page of BenchmarkVsTrystero (interop/bench_test.go):
// it imports a library module (a trystero@0.18.0 bundle or posthorn's
// dist/<strategy>.mjs), joins a room and times what the benchmark's rows
// measure, in the page's own clock. Everything is kept in window.B for the Go
// side to read.

const B = (window.B = {joined: [], got: [], mem: null})

const now = () => performance.timeOrigin + performance.now()

// Keep the instance's linear memory (posthorn's wasm) when the loader
// instantiates it, to report the receiver's wasm memory, and time the
// instantiation (fetch and compile included when streaming).
const keep = result => {
  const instance = result instanceof WebAssembly.Instance ? result : result.instance
  if (instance && instance.exports.mem instanceof WebAssembly.Memory) {
    B.mem = instance.exports.mem
  }
  return result
}
for (const name of ['instantiateStreaming', 'instantiate']) {
  const orig = WebAssembly[name]
  if (orig) {
    WebAssembly[name] = (...args) => {
      const t = performance.now()
      return orig.apply(WebAssembly, args).then(r => {
        B.instantiateMs = performance.now() - t
        return keep(r)
      })
    }
  }
}

// load imports lib and returns the milliseconds until joinRoom is callable
// and, for a wasm build, how many of them instantiation took.
B.load = async lib => {
  const t = performance.now()
  B.mod = await import(lib)
  if (typeof B.mod.joinRoom !== 'function') {
    throw new Error(`${lib} exports no joinRoom`)
  }
  return {ms: performance.now() - t, instantiateMs: B.instantiateMs ?? 0}
}

// join calls joinRoom and records every onPeerJoin with the milliseconds
// since that call; it returns this page's selfId.
B.join = (config, roomId) => {
  const t = performance.now()
  const room = (B.room = B.mod.joinRoom(config, roomId))
  room.onPeerJoin(id => B.joined.push({id, ms: performance.now() - t}))
  const [send, get] = room.makeAction('big')
  B.send = send
  get(data => B.got.push({len: data.byteLength ?? data.size, at: now()}))
  return B.mod.selfId
}

// pings returns n round-trip times to peer id, each timed around the await.
B.pings = async (id, n) => {
  const out = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await B.room.ping(id)
    out.push(performance.now() - t)
  }
  return out
}

// prepare makes the payload once, outside any timing.
B.prepare = size => {
  B.payload = new Uint8Array(size).map((_, i) => i & 0xff)
  return true
}

// sendBig sends the payload and returns when it started, in the shared
// clock of the browser's pages (timeOrigin + now).
B.sendBig = async () => {
  const at = now()
  await B.send(B.payload)
  return at
}

// memory reports the wasm linear memory (0 without wasm) and the JS heap
// in use, in bytes.
B.memory = () => ({
  wasm: B.mem ? B.mem.buffer.byteLength : 0,
  js: performance.memory ? performance.memory.usedJSHeapSize : 0
})

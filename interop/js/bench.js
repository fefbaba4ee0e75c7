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
  const t = (B.t0 = performance.now())
  const room = (B.room = B.mod.joinRoom(config, roomId))
  room.onPeerJoin(id => {
    B.joined.push({id, ms: performance.now() - t})
    B.trace?.push([Math.round((performance.now() - t) * 10) / 10, 'onPeerJoin', id])
  })
  const [send, get] = room.makeAction('big')
  B.send = send
  get(data => B.got.push({len: data.byteLength ?? data.size, at: now()}))
  return B.mod.selfId
}

// pings returns n round-trip times to peer id, each timed around the await,
// and keeps each ping's start and end in the shared clock in B.pingSpans
// (for -trace-ping).
B.pings = (id, n) => timePings(() => B.room.ping(id), n)

const timePings = async (ping, n) => {
  const out = []
  B.pingSpans = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await ping()
    const end = performance.now()
    out.push(end - t)
    B.pingSpans.push([performance.timeOrigin + t, performance.timeOrigin + end])
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

// traceOn wraps RTCPeerConnection and WebSocket to record what a join does
// and when (ms since joinRoom), for BenchmarkVsTrystero's -trace-join flag.
// Call it before load.
B.traceOn = () => {
  const tr = (B.trace = [])
  const ev = (what, extra) => tr.push([Math.round((performance.now() - (B.t0 ?? 0)) * 10) / 10, what, extra ?? ''])
  const short = d => (typeof d === 'string' ? d.slice(0, 90) : `<${d.byteLength ?? d.size} bytes>`)
  let n = 0
  const PC = window.RTCPeerConnection
  window.RTCPeerConnection = function (...a) {
    const id = ++n
    ev(`pc${id} new`)
    const pc = new PC(...a)
    for (const m of ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription']) {
      const f = pc[m].bind(pc)
      pc[m] = (...x) => {
        ev(`pc${id} ${m}`)
        return f(...x).then(r => (ev(`pc${id} ${m} done`), r))
      }
    }
    let cands = 0
    pc.addEventListener('icecandidate', e =>
      e.candidate ? cands++ || ev(`pc${id} first candidate`) : ev(`pc${id} ice end`, `${cands} candidates`)
    )
    pc.addEventListener('icegatheringstatechange', () => ev(`pc${id} gathering ${pc.iceGatheringState}`))
    pc.addEventListener('connectionstatechange', () => ev(`pc${id} ${pc.connectionState}`))
    pc.addEventListener('datachannel', e => e.channel.addEventListener('open', () => ev(`pc${id} remote channel open`)))
    const cdc = pc.createDataChannel.bind(pc)
    pc.createDataChannel = (...x) => {
      const dc = cdc(...x)
      dc.addEventListener('open', () => ev(`pc${id} channel open`))
      return dc
    }
    return pc
  }
  window.RTCPeerConnection.prototype = PC.prototype
  const WS = window.WebSocket
  let w = 0
  window.WebSocket = function (...a) {
    const id = ++w
    ev(`ws${id} new`, String(a[0]))
    const s = new WS(...a)
    s.addEventListener('open', () => ev(`ws${id} open`))
    s.addEventListener('message', e => ev(`ws${id} recv`, short(e.data)))
    const send = s.send.bind(s)
    s.send = d => (ev(`ws${id} send`, short(d)), send(d))
    return s
  }
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3})
  window.WebSocket.prototype = WS.prototype
  return true
}

// channelTraceOn wraps RTCPeerConnection so that every data channel records
// when the page calls its send and when a message event reaches the page,
// in the shared clock, in B.channelTrace as [kind, time] (kind "send" or
// "msg"), for BenchmarkVsTrystero's -trace-ping flag. The recording
// listener is added before the library's own. Call it before load.
B.channelTraceOn = () => {
  const tr = (B.channelTrace = [])
  const hook = dc => {
    const send = dc.send.bind(dc)
    dc.send = d => (tr.push(['send', now()]), send(d))
    dc.addEventListener('message', () => tr.push(['msg', now()]))
  }
  const PC = window.RTCPeerConnection
  window.RTCPeerConnection = function (...a) {
    const pc = new PC(...a)
    const cdc = pc.createDataChannel.bind(pc)
    pc.createDataChannel = (...x) => {
      const dc = cdc(...x)
      hook(dc)
      return dc
    }
    pc.addEventListener('datachannel', e => hook(e.channel))
    return pc
  }
  window.RTCPeerConnection.prototype = PC.prototype
  return true
}

// The floor (BenchmarkVsTrystero's bare-channel rows, benchfloor_test.go):
// two pages joined by one RTCDataChannel and no library. B.floorJS is the
// least a JavaScript library does per message; floorGo, set by
// interop/floorwasm once B.loadFloorGo has run it, is the same work in Go
// compiled to wasm (see its doc for the four functions).
const low = 1 << 16 // Trystero 0.18's bufferedAmountLowThreshold
B.floorJS = {
  ping: dc => {
    const payload = new Uint8Array(16)
    let settle = null
    dc.addEventListener('message', e => {
      const b = new Uint8Array(e.data)
      if (settle) {
        const s = settle
        settle = null
        s(b.byteLength)
      }
    })
    return () => {
      const {promise, resolve} = Promise.withResolvers()
      settle = resolve
      dc.send(payload)
      return promise
    }
  },
  echo: dc => dc.addEventListener('message', e => dc.send(new Uint8Array(e.data))),
  send: async (dc, total, size) => {
    dc.bufferedAmountLowThreshold = low
    const chunk = new Uint8Array(size).map((_, i) => i & 0xff)
    for (let sent = 0; sent < total; sent += size) {
      while (dc.bufferedAmount > low) {
        await new Promise(r => dc.addEventListener('bufferedamountlow', r, {once: true}))
      }
      dc.send(sent + size <= total ? chunk : chunk.subarray(0, total - sent))
    }
  },
  offers: n =>
    Promise.all(
      Array.from({length: n}, async () => {
        const pc = new RTCPeerConnection({iceServers: []})
        const gathered = new Promise(resolve =>
          pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve())
        )
        pc.createDataChannel('floor')
        await pc.setLocalDescription(await pc.createOffer())
        return gathered
      })
    ),
  receive: (dc, total) =>
    new Promise(resolve => {
      let got = 0
      dc.addEventListener('message', e => {
        got += new Uint8Array(e.data).byteLength
        if (got >= total) {
          resolve(got)
        }
      })
    })
}

// loadFloorGo runs the Go floor's wasm with the Go runtime's wasm_exec.js.
B.loadFloorGo = async (execURL, wasmURL) => {
  await import(execURL)
  const go = new globalThis.Go()
  const {instance} = await WebAssembly.instantiateStreaming(fetch(wasmURL), go.importObject)
  go.run(instance)
  while (!globalThis.floorGo) {
    await new Promise(r => setTimeout(r, 1))
  }
  return true
}

const floorImpl = kind => (kind === 'go' ? globalThis.floorGo : B.floorJS)

// bareOffers times kind's offers(n) on a fresh page, in ms.
B.bareOffers = async (kind, n) => {
  const t = performance.now()
  await floorImpl(kind).offers(n)
  return performance.now() - t
}

// bareGathered resolves with pc's local description once ICE gathering has
// completed (the test carries it to the other page whole).
const bareGathered = pc =>
  new Promise(resolve => {
    const done = () => pc.iceGatheringState === 'complete' && resolve(pc.localDescription.sdp)
    pc.addEventListener('icegatheringstatechange', done)
    done()
  })

const bareChannel = dc => {
  dc.binaryType = 'arraybuffer'
  B.bareOpen = new Promise(resolve =>
    dc.readyState === 'open' ? resolve(true) : dc.addEventListener('open', () => resolve(true), {once: true})
  )
  B.dc = dc
}

// bareOffer, bareAnswer and bareAccept connect two pages by one channel.
B.bareOffer = async () => {
  const pc = (B.pc = new RTCPeerConnection({iceServers: []}))
  bareChannel(pc.createDataChannel('bare'))
  await pc.setLocalDescription(await pc.createOffer())
  return bareGathered(pc)
}
B.bareAnswer = async sdp => {
  const pc = (B.pc = new RTCPeerConnection({iceServers: []}))
  pc.addEventListener('datachannel', e => bareChannel(e.channel))
  await pc.setRemoteDescription({type: 'offer', sdp})
  await pc.setLocalDescription(await pc.createAnswer())
  return bareGathered(pc)
}
B.bareAccept = async sdp => {
  await B.pc.setRemoteDescription({type: 'answer', sdp})
  return B.bareOpen
}

// barePings is B.pings over the bare channel, with kind's ping.
B.barePings = (kind, n) => timePings(floorImpl(kind).ping(B.dc), n)
B.bareEcho = kind => (floorImpl(kind).echo(B.dc), true)

// bareReceive starts receiving total bytes; B.bareGot is then when they
// all arrived, in the shared clock.
B.bareReceive = (kind, total) => {
  B.bareGot = null
  floorImpl(kind)
    .receive(B.dc, total)
    .then(() => (B.bareGot = now()))
  return true
}

// bareSend sends total bytes in messages of size and returns when it
// started, in the shared clock.
B.bareSend = async (kind, total, size) => {
  const at = now()
  await floorImpl(kind).send(B.dc, total, size)
  return at
}

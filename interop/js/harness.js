// harness.js drives one room with Trystero's JS API in a test page of the
// interop suite (interop/*_test.go). The library is a module URL given to
// H.join: a bundle of real trystero@0.18.0 or posthorn's wasm loader, both of
// which export joinRoom and selfId. Everything the room reports is recorded in
// window.H so the Go test can poll it.

const hex = buf =>
  Array.from(new Uint8Array(buf), b => b.toString(16).padStart(2, '0')).join('')

const sha256 = async data => hex(await crypto.subtle.digest('SHA-256', data))

const isBinary = d =>
  d instanceof ArrayBuffer || ArrayBuffer.isView(d) || d instanceof Blob

const H = (window.H = {
  selfId: null,
  room: null,
  actions: {},
  joined: [],
  left: [],
  recv: [],
  recvProgress: [],
  streams: [],
  tracks: [],
  errors: []
})

window.addEventListener('error', e => H.errors.push(String(e.message)))
window.addEventListener('unhandledrejection', e =>
  H.errors.push(String(e.reason && (e.reason.stack || e.reason)))
)

// join loads lib and joins roomId; it returns this page's selfId.
H.join = async ({lib, appId, password, relayUrls, roomId, actions}) => {
  const mod = await import(lib)
  const config = {appId, relayUrls, rtcConfig: {iceServers: []}}
  if (password) config.password = password
  const room = (H.room = await mod.joinRoom(config, roomId))
  H.selfId = mod.selfId
  room.onPeerJoin(id => H.joined.push(id))
  room.onPeerLeave(id => H.left.push(id))
  room.onPeerStream((stream, id, meta) =>
    H.streams.push({
      id,
      meta: meta ?? null,
      kinds: stream.getTracks().map(t => t.kind).sort(),
      stream
    })
  )
  room.onPeerTrack((track, stream, id, meta) =>
    H.tracks.push({id, meta: meta ?? null, kind: track.kind})
  )
  for (const name of actions || ['msg', 'bin']) {
    const [send, get, onProgress] = room.makeAction(name)
    H.actions[name] = send
    get(async (data, id, meta) => {
      const rec = {action: name, id, meta: meta ?? null}
      if (isBinary(data)) {
        const buf = data instanceof Blob ? await data.arrayBuffer() : data
        rec.type = 'binary'
        rec.len = buf.byteLength
        rec.sha256 = await sha256(buf)
      } else {
        rec.type = typeof data
        rec.value = data
      }
      H.recv.push(rec)
    })
    onProgress((pct, id, meta) =>
      H.recvProgress.push({action: name, id, pct, meta: meta ?? null})
    )
  }
  return H.selfId
}

// send sends a JSON-representable value (string, number, object...).
H.send = async (action, value, targets) => {
  await H.actions[action](value, targets ?? undefined)
  return true
}

// sendBinary sends size random bytes with meta and returns their hash and
// the sender-side progress reports.
H.sendBinary = async (action, size, meta, targets) => {
  const data = new Uint8Array(size)
  for (let o = 0; o < size; o += 65536) {
    crypto.getRandomValues(data.subarray(o, Math.min(size, o + 65536)))
  }
  const hash = await sha256(data)
  const progress = []
  await H.actions[action](data, targets ?? undefined, meta ?? undefined, (pct, id) =>
    progress.push({pct, id})
  )
  return {sha256: hash, progress}
}

// received returns the records of action from peer id.
H.received = (action, id) => H.recv.filter(r => r.action === action && r.id === id)

H.ping = async id => {
  const ms = await H.room.ping(id)
  return typeof ms === 'number' && ms >= 0
}

H.leave = async () => {
  await H.room.leave()
  return true
}

// addCamera sends the fake camera (and microphone) to targets with meta.
H.addCamera = async (targets, meta) => {
  const stream = await navigator.mediaDevices.getUserMedia({video: true, audio: true})
  H.camera = stream
  // Trystero returns an array of promises; accept a promise or nothing too.
  await Promise.all([].concat((await H.room.addStream(stream, targets ?? undefined, meta ?? undefined)) ?? []))
  return stream.getTracks().map(t => t.kind).sort()
}

// playStream plays the i-th received stream in a video element and resolves
// with its frame size once frames arrive.
H.playStream = async i => {
  const v = document.createElement('video')
  v.muted = true
  v.autoplay = true
  v.playsInline = true
  v.srcObject = H.streams[i].stream
  document.body.append(v)
  await v.play()
  while (!v.videoWidth) await new Promise(r => setTimeout(r, 50))
  return {width: v.videoWidth, height: v.videoHeight}
}

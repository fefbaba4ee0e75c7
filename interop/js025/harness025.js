// harness025.js drives one room of a real @trystero-p2p/*@0.25.4 strategy
// (bundled as trystero025.js) in a test page of interop/v025_test.go.
// Everything the room reports is recorded in window.H so the Go test can
// poll it. interop/wasm025_test.go serves it unchanged but for its import
// line to drive posthorn's posthorn/v025/mqtt the same way.

import * as lib from '/trystero025.js'

const {joinRoom, selfId, defaultRelayUrls} = lib

const H = (window.H = {
  selfId,
  defaultRelayUrls,
  room: null,
  actions: {},
  joined: [],
  left: [],
  recv: [],
  joinErrors: [],
  recvProgress: [],
  sendProgress: [],
  errors: []
})

window.addEventListener('error', e => H.errors.push(String(e.message)))
window.addEventListener('unhandledrejection', e =>
  H.errors.push(String(e.reason && (e.reason.stack || e.reason)))
)

// join joins roomId through the given relays, as a passive room if
// passive; it returns this page's selfId.
H.join = ({appId, password, relayUrls, roomId, passive}) => {
  const config = {appId, relayConfig: {urls: relayUrls}, rtcConfig: {iceServers: []}}
  if (password) config.password = password
  if (passive) config.passive = true
  const room = (H.room = joinRoom(config, roomId, {
    onJoinError: e => H.joinErrors.push({peerId: e.peerId, error: e.error})
  }))
  room.onPeerJoin = id => H.joined.push(id)
  room.onPeerLeave = id => H.left.push(id)
  for (const name of ['msg', 'bin']) {
    const action = room.makeAction(name)
    action.onMessage = async (data, {peerId, metadata}) => {
      const rec = {action: name, id: peerId, data, meta: metadata ?? null}
      if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
        const bytes = new Uint8Array(data.buffer ?? data, data.byteOffset ?? 0, data.byteLength)
        rec.data = {size: bytes.length, sum: bytes.reduce((a, b) => (a + b) % 65521, 0)}
      }
      H.recv.push(rec)
    }
    action.onReceiveProgress = (pct, {peerId, metadata}) =>
      H.recvProgress.push({action: name, id: peerId, pct, meta: metadata ?? null})
    H.actions[name] = action
  }
  return selfId
}

// send sends value on msg to every peer, with metadata when given.
H.send = (value, metadata) =>
  H.actions.msg.send(value, metadata === undefined ? {} : {metadata})

H.ping = id => H.room.ping(id)

// pauseResume pauses and resumes relay reconnection, if the library exports
// both (@trystero-p2p/torrent and /nostr do, /mqtt does not); it reports
// whether it did.
H.pauseResume = () => {
  if (typeof lib.pauseRelayReconnection !== 'function' || typeof lib.resumeRelayReconnection !== 'function')
    return false
  lib.pauseRelayReconnection()
  lib.resumeRelayReconnection()
  return true
}

H.leave = () => H.room.leave()

// sendBin sends size bytes ((i * 31) & 255) on bin to every peer with
// metadata, recording the sender's progress; it resolves with {size, sum}.
H.sendBin = async (size, metadata) => {
  const bytes = new Uint8Array(size).map((_, i) => (i * 31) & 255)
  await H.actions.bin.send(bytes, {
    metadata,
    onProgress: (pct, {peerId, metadata}) => H.sendProgress.push({id: peerId, pct, meta: metadata ?? null})
  })
  return {size, sum: bytes.reduce((a, b) => (a + b) % 65521, 0)}
}

// harness025.js drives one room of a real @trystero-p2p/*@0.25.4 strategy
// (bundled as trystero025.js) in a test page of interop/v025_test.go.
// Everything the room reports is recorded in window.H so the Go test can
// poll it. interop/wasm025_test.go serves it unchanged but for its import
// line to drive posthorn's posthorn/v025/mqtt the same way.

import {joinRoom, selfId, defaultRelayUrls} from '/trystero025.js'

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

// join joins roomId through the given relays; it returns this page's
// selfId.
H.join = ({appId, password, relayUrls, roomId}) => {
  const config = {appId, relayConfig: {urls: relayUrls}, rtcConfig: {iceServers: []}}
  if (password) config.password = password
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

// Rooms of one app sharing connections (protocol-0.25 §7): H.rooms holds
// further rooms by id, each with a msg action and its own records.
H.rooms = {}

// joinShared joins roomId as another room of the app.
H.joinShared = ({appId, relayUrls, roomId}) => {
  const room = joinRoom({appId, relayConfig: {urls: relayUrls}, rtcConfig: {iceServers: []}}, roomId)
  const r = (H.rooms[roomId] = {room, joined: [], left: [], recv: []})
  room.onPeerJoin = id => r.joined.push(id)
  room.onPeerLeave = id => r.left.push(id)
  r.msg = room.makeAction('msg')
  r.msg.onMessage = (data, {peerId}) => r.recv.push({action: 'msg', id: peerId, data, meta: null})
  return selfId
}

// sendIn sends value on msg in roomId.
H.sendIn = (roomId, value) => H.rooms[roomId].msg.send(value)

// leaveRoom leaves roomId.
H.leaveRoom = roomId => H.rooms[roomId].room.leave()

// samePeer reports whether rooms a and b reach peer id through one
// RTCPeerConnection.
H.samePeer = (a, b, id) => {
  const pa = H.rooms[a].room.getPeers()[id]
  return Boolean(pa) && pa === H.rooms[b].room.getPeers()[id]
}

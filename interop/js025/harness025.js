// harness025.js drives one room of a real @trystero-p2p/*@0.25.4 strategy
// (bundled as trystero025.js) in a test page of interop/v025_test.go.
// Everything the room reports is recorded in window.H so the Go test can
// poll it. interop/wasm025_test.go serves it unchanged but for its import
// line to drive posthorn's posthorn/v025/<strategy> the same way.

import * as lib from '/trystero025.js'

const {joinRoom, selfId, defaultRelayUrls} = lib

const H = (window.H = {
  selfId,
  defaultRelayUrls,
  exports: Object.keys(lib).sort(),
  room: null,
  actions: {},
  joined: [],
  left: [],
  recv: [],
  joinErrors: [],
  recvProgress: [],
  sendProgress: [],
  streams: [],
  tracks: [],
  local: {},
  stalled: [],
  results: [],
  errors: [],
  loseSends: 0
})

// Every RTCPeerConnection's state changes and data channels go to the
// console, which the Go test logs: what a failed meeting looked like from
// this side.
{
  const PC = window.RTCPeerConnection
  let n = 0
  const log = (...a) => console.log('rtc', Math.round(performance.now()), ...a)
  const watch = (id, dc, how) => {
    log(`pc${id}`, how, 'channel', dc.label, dc.id)
    for (const e of ['open', 'close', 'closing', 'error']) {
      dc.addEventListener(e, ev => log(`pc${id}`, 'channel', dc.label, e, ev.error ? ev.error.message : ''))
    }
  }
  window.RTCPeerConnection = function (...a) {
    const id = ++n
    const pc = new PC(...a)
    log(`pc${id}`, 'new')
    pc.addEventListener('connectionstatechange', () => log(`pc${id}`, 'connection', pc.connectionState))
    pc.addEventListener('signalingstatechange', () => log(`pc${id}`, 'signaling', pc.signalingState))
    pc.addEventListener('datachannel', e => {
      watch(id, e.channel, 'remote')
      // H.loseSends > 0: this channel's sends are lost, as Chromium
      // sometimes loses an answerer's first sends ("Send failed").
      if (H.loseSends > 0) {
        H.loseSends--
        e.channel.send = () => log(`pc${id}`, 'send lost on purpose')
      }
    })
    const create = pc.createDataChannel.bind(pc)
    pc.createDataChannel = (...x) => {
      const dc = create(...x)
      watch(id, dc, 'local')
      return dc
    }
    const close = pc.close.bind(pc)
    pc.close = () => (log(`pc${id}`, 'close()'), close())
    return pc
  }
  window.RTCPeerConnection.prototype = PC.prototype
  Object.setPrototypeOf(window.RTCPeerConnection, PC) // its static members
}

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
  // Media received: records for the test, and the objects in H.remote.
  H.remote = {streams: [], tracks: []}
  room.onPeerStream = (stream, id, metadata) => {
    H.remote.streams.push(stream)
    H.streams.push({id, streamId: stream.id, meta: metadata ?? null, hasMeta: metadata !== undefined,
      kinds: stream.getTracks().map(t => t.kind).sort()})
  }
  room.onPeerTrack = (track, stream, id, metadata) => {
    H.remote.tracks.push(track)
    H.tracks.push({id, trackId: track.id, streamId: stream.id, kind: track.kind, meta: metadata ?? null,
      hasMeta: metadata !== undefined})
  }
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
  // Request actions: ask answers (see answer), none has no handler.
  H.actions.ask = room.makeAction('ask', {kind: 'request', onRequest: answer})
  H.actions.none = room.makeAction('none', {kind: 'request'})
  return selfId
}

// answer is ask's request handler: 'fail' throws, 'undefined' returns
// undefined, 'stall' never settles (recorded in H.stalled), anything else
// is echoed with the requester's id and metadata.
const answer = async (data, {peerId, metadata, signal}) => {
  if (data === 'fail') throw new Error('boom')
  if (data === 'undefined') return undefined
  if (data === 'stall') {
    H.stalled.push(peerId)
    return new Promise(() => {})
  }
  return {echo: data, from: peerId, meta: metadata ?? null, signal: signal instanceof AbortSignal}
}

// outcome is a request's result or error as JSON-friendly data.
const outcome = async p => {
  try {
    return {value: await p}
  } catch (e) {
    return {error: e.message, kind: e.kind ?? null, name: e.name}
  }
}

// withAbort turns options.abortAfterMs into a signal that aborts then.
const withAbort = options => {
  const {abortAfterMs, ...rest} = options ?? {}
  options = rest
  if (abortAfterMs === undefined) return options
  const c = new AbortController()
  setTimeout(() => c.abort(), abortAfterMs)
  return {...options, signal: c.signal}
}

// request asks target on action name ('ask' or 'none').
H.request = (name, target, data, options = {}) =>
  outcome(H.actions[name].request(data, {...withAbort(options), target}))

// requestMany asks targets on action name; results given to onResult are
// recorded in H.results, errors as their messages.
H.requestMany = (name, targets, data, options = {}) => {
  const plain = r => (r.error ? {...r, error: r.error.message} : r)
  return outcome(
    H.actions[name]
      .requestMany(data, {...withAbort(options), targets, onResult: r => H.results.push(plain(r))})
      .then(rs => rs.map(plain))
  )
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

// addCamera sends the fake camera and microphone (a new stream each call)
// to target with metadata (omitted when undefined); it resolves with the
// stream's id once every peer's promise resolved.
H.addCamera = async (target, metadata) => {
  const stream = await navigator.mediaDevices.getUserMedia({audio: true, video: true})
  H.local.camera = stream
  const opts = metadata === undefined ? {target} : {target, metadata}
  await Promise.all(H.room.addStream(stream, opts))
  return stream.id
}

// addVideoTrack sends a fresh fake video track as part of a new stream to
// target with metadata; it resolves with {trackId, streamId}.
H.addVideoTrack = async (target, metadata) => {
  const stream = await navigator.mediaDevices.getUserMedia({video: true})
  const track = stream.getVideoTracks()[0]
  H.local.track = track
  await Promise.all(H.room.addTrack(track, stream, {target, metadata}))
  return {trackId: track.id, streamId: stream.id}
}

// replaceVideoTrack replaces the track addVideoTrack sent with a fresh one,
// with metadata; it resolves with the new track's id.
H.replaceVideoTrack = async (target, metadata) => {
  const track = (await navigator.mediaDevices.getUserMedia({video: true})).getVideoTracks()[0]
  await Promise.all(H.room.replaceTrack(H.local.track, track, {target, metadata}))
  H.local.track = track
  return track.id
}

// remoteLive reports whether every received stream's tracks are live and
// unmuted (media flows).
H.remoteLive = () =>
  H.remote.streams.length > 0 &&
  H.remote.streams.every(s => s.getTracks().every(t => t.readyState === 'live' && !t.muted))

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

// harness025.js drives one room of the real @trystero-p2p/mqtt@0.25.4 in a
// test page of interop/v025_test.go. Everything the room reports is
// recorded in window.H so the Go test can poll it.

import {joinRoom, selfId} from '/trystero025-mqtt.js'

const H = (window.H = {
  selfId,
  room: null,
  actions: {},
  joined: [],
  left: [],
  recv: [],
  joinErrors: [],
  errors: []
})

window.addEventListener('error', e => H.errors.push(String(e.message)))
window.addEventListener('unhandledrejection', e =>
  H.errors.push(String(e.reason && (e.reason.stack || e.reason)))
)

// join joins roomId through the given brokers; it returns this page's
// selfId.
H.join = ({appId, password, relayUrls, roomId}) => {
  const config = {appId, relayConfig: {urls: relayUrls}, rtcConfig: {iceServers: []}}
  if (password) config.password = password
  const room = (H.room = joinRoom(config, roomId, {
    onJoinError: e => H.joinErrors.push({peerId: e.peerId, error: e.error})
  }))
  room.onPeerJoin = id => H.joined.push(id)
  room.onPeerLeave = id => H.left.push(id)
  const msg = room.makeAction('msg')
  msg.onMessage = (data, {peerId, metadata}) =>
    H.recv.push({action: 'msg', id: peerId, data, meta: metadata ?? null})
  H.actions.msg = msg
  return selfId
}

// send sends value on msg to every peer, with metadata when given.
H.send = (value, metadata) =>
  H.actions.msg.send(value, metadata === undefined ? {} : {metadata})

H.leave = () => H.room.leave()

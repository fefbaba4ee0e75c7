// page.js is relay/waku's browser test page, bundled by esbuild: it joins a
// room with real trystero@0.18.0's ipfs (Waku) strategy, bootstrapped to one
// Waku service node, and records what the room reports in window.T for the
// Go test to poll. On a join it sends "hello from <selfId>" to that peer.
import {joinRoom, selfId} from 'trystero/ipfs'
import {bootstrap} from '@libp2p/bootstrap'

const T = (window.T = {selfId, joined: [], left: [], recv: [], errors: []})

window.addEventListener('error', e => T.errors.push(String(e.message)))
window.addEventListener('unhandledrejection', e =>
  T.errors.push(String(e.reason && (e.reason.stack || e.reason)))
)

// join joins roomId through the service node at addr (a multiaddr ending in
// /p2p/<peer id>).
T.join = (addr, appId, roomId, password) => {
  const config = {
    appId,
    rtcConfig: {iceServers: []},
    // js-libp2p 0.46's default gater refuses loopback addresses.
    libp2pConfig: {
      connectionGater: {denyDialMultiaddr: async () => false},
      peerDiscovery: [bootstrap({list: [addr]})]
    }
  }
  if (password) config.password = password
  const room = (T.room = joinRoom(config, roomId))
  const [send, get] = room.makeAction('msg')
  room.onPeerJoin(id => {
    T.joined.push(id)
    send(`hello from ${selfId}`, id)
  })
  room.onPeerLeave(id => T.left.push(id))
  get((data, id) => T.recv.push(`${id} ${data}`))
  return selfId
}

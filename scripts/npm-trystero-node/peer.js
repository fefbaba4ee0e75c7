// peer.js joins a room with real trystero@0.18.0's ipfs (Waku) strategy in
// Node, bootstrapped to one Waku service node, and reports on stdout, one
// line each:
//   SELF <selfId>          once joined
//   JOIN <peerId>          a peer connected (WebRTC data channel open)
//   RECV <peerId> <text>   a "msg" action arrived
//   LEAVE <peerId>         a peer left
// On a join it sends "hello from <selfId>" to that peer. It exits when
// stdin closes.
//
//   node peer.js <service node multiaddr> <appId> <roomId> [password]
import wrtc from '@roamhq/wrtc'
import {bootstrap} from '@libp2p/bootstrap'

// Node 20 lacks Promise.withResolvers, which a dependency of @waku/sdk calls.
if (!Promise.withResolvers) {
  Promise.withResolvers = () => {
    let resolve, reject
    const promise = new Promise((res, rej) => {
      resolve = res
      reject = rej
    })
    return {promise, resolve, reject}
  }
}
// simple-peer-light finds WebRTC on globalThis, as in a browser.
globalThis.RTCPeerConnection = wrtc.RTCPeerConnection
globalThis.RTCSessionDescription = wrtc.RTCSessionDescription
globalThis.RTCIceCandidate = wrtc.RTCIceCandidate

const [addr, appId, roomId, password] = process.argv.slice(2)
const {joinRoom, selfId} = await import('trystero/ipfs')

const config = {
  appId,
  rtcConfig: {iceServers: []},
  // js-libp2p 0.46 refuses to dial loopback addresses by default.
  libp2pConfig: {
    connectionGater: {denyDialMultiaddr: async () => false},
    peerDiscovery: [bootstrap({list: [addr]})]
  }
}
if (password) config.password = password

const out = line => process.stdout.write(line + '\n')
const room = joinRoom(config, roomId)
const [send, get] = room.makeAction('msg')
room.onPeerJoin(id => {
  out(`JOIN ${id}`)
  send(`hello from ${selfId}`, id)
})
room.onPeerLeave(id => out(`LEAVE ${id}`))
get((data, id) => out(`RECV ${id} ${data}`))
out(`SELF ${selfId}`)

process.stdin.on('end', () => {
  room.leave()
  process.exit(0)
})
process.stdin.resume()

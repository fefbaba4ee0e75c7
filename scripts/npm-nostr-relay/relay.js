// Test fixture: a third-party Nostr relay, @nostr-relay/core (a relay core
// library) behind a `ws` WebSocket server, on 127.0.0.1.
//
//   node relay.js [port]      (port 0 or absent = any free port)
//
// Prints "PORT <n>" on stdout once it listens, then serves until killed or
// until stdin closes (so it dies with the Go test that started it).
//
// The core does not validate events (that is @nostr-relay/validator's job,
// left out on purpose) and its live subscription matcher ignores #tag
// filters: every kind-29333 event reaches every kind-29333 subscription.
// posthorn must cope with such a relay. The event repository stores
// nothing; Trystero's kind 29333 is ephemeral anyway.
import { WebSocketServer } from 'ws'
import core from '@nostr-relay/core'
import common from '@nostr-relay/common'

class NoStore extends common.EventRepository {
  isSearchSupported () { return false }
  upsert () { return { isDuplicate: false } }
  find () { return [] }
  async destroy () {}
}

const relay = new core.NostrRelay(new NoStore())
const port = Number(process.argv[2] || 0)
const wss = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: 1 << 20 })

wss.on('connection', ws => {
  relay.handleConnection(ws)
  ws.on('message', async data => {
    let msg
    try {
      msg = JSON.parse(data.toString())
      if (!Array.isArray(msg)) throw new Error('not an array')
    } catch (err) {
      ws.send(JSON.stringify(['NOTICE', `invalid: ${err.message}`]))
      return
    }
    try {
      await relay.handleMessage(ws, msg)
    } catch (err) {
      ws.send(JSON.stringify(['NOTICE', `error: ${err.message}`]))
    }
  })
  ws.on('close', () => relay.handleDisconnect(ws))
  ws.on('error', () => relay.handleDisconnect(ws))
})
wss.on('error', err => {
  console.error(`relay error: ${err.message}`)
  process.exit(1)
})
wss.on('listening', () => console.log(`PORT ${wss.address().port}`))

process.stdin.on('end', () => { wss.close(); process.exit(0) })
process.stdin.resume()

// Test fixture: firebase-server, an offline Firebase Realtime Database that
// speaks the database's WebSocket protocol, on 127.0.0.1, plus the one part
// of the protocol posthorn needs that firebase-server lacks: onDisconnect
// writes ("o" put, "om" merge, "oc" cancel), acknowledged and run when the
// connection that registered them closes, as the real service does.
//
//   node server.js [port]      (port 0 or absent = any free port)
//
// Prints "PORT <n>" on stdout once it listens, then serves until killed or
// until stdin closes (so it dies with the Go test that started it).
import FirebaseServer from 'firebase-server'

const server = new FirebaseServer({ port: Number(process.argv[2] || 0), address: '127.0.0.1' }, 'posthorn.test')
const path = p => String(p || '').replace(/^\/+|\/+$/g, '')
const ref = p => (path(p) ? server.baseRef.child(path(p)) : server.baseRef)

server.wss.on('connection', ws => {
  const pending = [] // [action, path, data] in the order registered
  let buf = ''
  ws.on('message', data => {
    let msg
    try {
      msg = JSON.parse(buf + data.toString())
      buf = ''
    } catch {
      if (!/^\d+$/.test(data.toString())) buf += data.toString()
      return
    }
    if (!msg || msg.t !== 'd' || !msg.d || !['o', 'om', 'oc', 'on'].includes(msg.d.a)) return
    const { a, r, b } = msg.d
    const p = path(b && b.p)
    if (a === 'oc') {
      for (let i = pending.length - 1; i >= 0; i--) {
        const q = pending[i][1]
        if (p === '' || q === p || q.startsWith(p + '/')) pending.splice(i, 1)
      }
    } else {
      pending.push([a, p, b && b.d])
    }
    const reply = JSON.stringify({ t: 'd', d: { r, b: { s: 'ok', d: '' } } })
    ws.send('1')
    ws.send(reply)
  })
  ws.on('close', () => {
    for (const [a, p, d] of pending) {
      if (a === 'om') ref(p).update(d)
      else ref(p).set(d === undefined ? null : d)
    }
  })
})

server.wss.on('listening', () => console.log(`PORT ${server.getPort()}`))
server.wss.on('error', err => {
  console.error(`firebase-server listen error: ${err.message}`)
  process.exit(1)
})
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()

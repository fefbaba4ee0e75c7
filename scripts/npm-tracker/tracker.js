// Test fixture: runs the reference WebTorrent tracker (bittorrent-tracker's
// Server) with only its WebSocket transport, on 127.0.0.1.
//
//   node tracker.js [port]      (port 0 or absent = any free port)
//
// Prints "PORT <n>" on stdout once it listens, then serves until killed or
// until stdin closes (so it dies with the Go test that started it).
// The './server' export avoids the client half, whose WebRTC dependency has a
// native build that --ignore-scripts skips.
import Server from 'bittorrent-tracker/server'

const port = Number(process.argv[2] || 0)
const server = new Server({ http: false, udp: false, ws: true, stats: false })

server.on('error', err => {
  console.error(`tracker error: ${err.message}`)
  process.exit(1)
})
server.on('warning', err => console.error(`tracker warning: ${err.message}`))
server.on('listening', () => {
  console.log(`PORT ${server.ws.address().port}`)
})

server.listen(port, '127.0.0.1')

process.stdin.on('end', () => server.close(() => process.exit(0)))
process.stdin.resume()

// Serves an aedes MQTT broker (MQTT 3.1.1 and 3.1 only, like many Node
// apps embed) over WebSocket with ws, on 127.0.0.1:
//
//   serve(port, options)   options are aedes's (e.g. an authenticate hook)
//
// Prints "PORT <n>" on stdout once it listens, then serves until killed or
// until stdin closes (so it dies with the Go test that started it).
import { createServer } from 'node:http'
import { Aedes } from 'aedes'
import { WebSocketServer, createWebSocketStream } from 'ws'

export async function serve (port, options = {}) {
  const broker = await Aedes.createBroker(options)
  const http = createServer()
  // MQTT over WebSocket uses the subprotocol "mqtt" (MQTT 3.1.1 §6.0).
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: protocols => protocols.has('mqtt') ? 'mqtt' : false
  })
  wss.on('connection', (ws, req) => {
    const stream = createWebSocketStream(ws)
    stream.on('error', () => {})
    broker.handle(stream, req)
  })
  broker.on('clientError', (client, err) => console.error(`aedes client ${client.id}: ${err.message}`))
  http.on('error', err => {
    console.error(`aedes listen error: ${err.message}`)
    process.exit(1)
  })
  http.listen(port, '127.0.0.1', () => console.log(`PORT ${http.address().port}`))
  process.stdin.on('end', () => process.exit(0))
  process.stdin.resume()
}

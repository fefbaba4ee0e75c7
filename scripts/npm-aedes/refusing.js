// Test fixture: aedes over WebSocket on 127.0.0.1 that refuses every
// client: its authenticate hook answers CONNACK return code 4 (bad user
// name or password), as a broker that requires credentials does for
// Trystero's, which sends none.
//
//   node refusing.js [port]    (port 0 or absent = any free port)
import { serve } from './serve.js'

await serve(Number(process.argv[2] || 0), {
  authenticate (client, username, password, callback) {
    const err = new Error('bad user name or password')
    err.returnCode = 4
    callback(err, false)
  }
})

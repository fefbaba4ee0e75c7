// Test fixture: aedes over WebSocket on 127.0.0.1, open to anyone.
//
//   node broker.js [port]      (port 0 or absent = any free port)
import { serve } from './serve.js'

await serve(Number(process.argv[2] || 0))

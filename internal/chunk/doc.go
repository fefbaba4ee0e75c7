// Package transfer is Trystero's data-channel chunk codec and reassembly
// (protocol-0.18 §5 and §6): every action message is cut into chunks of at most
// Framing.ChunkSize bytes, each with a header (type, nonce, tag, progress),
// and glued back together on the receiving side.
//
// The package is pure Go and knows nothing about WebRTC. The room layer calls
// Framing.Encode (or NonceCounter.Encode) to produce the chunks of one send,
// writes them to the data channel, and feeds every received chunk through
// Framing.Parse and a per-peer Reassembler.
//
// The byte layout is a Framing value, the protocol-profile seam: Framing018
// speaks Trystero 0.18 (12-byte type, 1-byte nonce), Framing025 the action
// chunks of 0.25 (32-byte type, 2-byte big-endian nonce, protocol-0.25 §8).
//
// Text is decoded the way the JS side's TextDecoder does it (a leading BOM is
// dropped, invalid UTF-8 becomes U+FFFD per maximal subpart), and MarshalJSON
// produces JSON.stringify's output for plain data.
package chunk

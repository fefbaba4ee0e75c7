// Package codec025 checks posthorn's Trystero 0.25 codecs (internal/crypt's
// GCM, internal/v025/...) against the real @trystero-p2p/core@0.25.4 run in
// Node on random inputs, beyond the fixed vectors of testdata/vectors: topic
// hashes, room tokens, AES-GCM envelopes both ways, the password
// handshake's answer, action chunks of every kind with metadata (sent
// by the real sender, received by the real receiver), strToNum, the seeded shuffle (V8's Math.sin) and the
// default relay lists. The npm fixture is interop/js025 (scripts/deps
// installs it); no network is used.
package codec025

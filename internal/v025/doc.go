// Package v025 groups the codecs of the Trystero 0.25 protocol profile
// (docs/protocol-0.25.md): topic names (topic), room and presence frames
// (frame), the session handshake (handshake), the signalling messages
// (wire), the request/response metadata (reqres) and the default relays
// with the nostr shuffle (relays). The signalling
// encryption is crypt.GCM and the action chunks are chunk.Framing025.
package v025

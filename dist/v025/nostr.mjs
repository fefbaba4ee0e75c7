// posthorn, nostr strategy with Trystero 0.25's API (@trystero-p2p/nostr):
// rooms speak the 0.25 protocol through Nostr relays. Same
// posthorn-nostr.wasm as '../nostr.mjs'. Top-level await: importing this module
// waits until the wasm runs.
import {load025} from '../loader.mjs'

const mod = await load025('nostr', new URL('../posthorn-nostr.wasm', import.meta.url))

export const joinRoom = mod.joinRoom
export const selfId = mod.selfId
export const getRelaySockets = mod.getRelaySockets
export const defaultRelayUrls = mod.defaultRelayUrls
// Pause and resume the reconnection of this strategy's relay sockets
// (both APIs' rooms of posthorn-nostr.wasm).
export const pauseRelayReconnection = mod.pauseRelayReconnection
export const resumeRelayReconnection = mod.resumeRelayReconnection

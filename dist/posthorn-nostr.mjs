// posthorn, nostr strategy: Trystero 0.18's trystero/nostr API from
// posthorn-nostr.wasm. Top-level await: importing this module waits until the
// wasm runs.
import {load} from './loader.mjs'

const mod = await load('nostr', new URL('./posthorn-nostr.wasm', import.meta.url))

export const joinRoom = mod.joinRoom
export const selfId = mod.selfId
export const getRelaySockets = mod.getRelaySockets

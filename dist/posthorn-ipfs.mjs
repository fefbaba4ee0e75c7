// posthorn, ipfs strategy: Trystero 0.18's trystero/ipfs API (Waku light
// client) from posthorn-ipfs.wasm. Top-level await: importing this module
// waits until the wasm runs.
import {load} from './loader.mjs'

const mod = await load('ipfs', new URL('./posthorn-ipfs.wasm', import.meta.url))

export const joinRoom = mod.joinRoom
export const selfId = mod.selfId
// not in trystero/ipfs, which keeps its connections in js-libp2p
export const getRelaySockets = mod.getRelaySockets

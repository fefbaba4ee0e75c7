// posthorn, torrent strategy: Trystero 0.18's trystero/torrent API from
// posthorn-torrent.wasm. Top-level await: importing this module waits until the
// wasm runs.
import {load} from './loader.mjs'

const mod = await load('torrent', new URL('./posthorn-torrent.wasm', import.meta.url))

export const joinRoom = mod.joinRoom
export const selfId = mod.selfId
export const getRelaySockets = mod.getRelaySockets

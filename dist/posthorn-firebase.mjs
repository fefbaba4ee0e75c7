// posthorn, firebase strategy: Trystero 0.18's trystero/firebase API from
// posthorn-firebase.wasm. Top-level await: importing this module waits until
// the wasm runs.
import {load} from './loader.mjs'

const mod = await load('firebase', new URL('./posthorn-firebase.wasm', import.meta.url))

export const joinRoom = mod.joinRoom
export const getOccupants = mod.getOccupants
export const selfId = mod.selfId
// not in trystero/firebase, which keeps its sockets in the Firebase SDK
export const getRelaySockets = mod.getRelaySockets

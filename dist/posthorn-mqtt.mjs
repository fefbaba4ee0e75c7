// posthorn, mqtt strategy: Trystero 0.18's trystero/mqtt API from
// posthorn-mqtt.wasm. Top-level await: importing this module waits until the
// wasm runs.
import {load} from './loader.mjs'

const mod = await load('mqtt', new URL('./posthorn-mqtt.wasm', import.meta.url))

export const joinRoom = mod.joinRoom
export const selfId = mod.selfId
export const getRelaySockets = mod.getRelaySockets

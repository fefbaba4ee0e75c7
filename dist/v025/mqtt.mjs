// posthorn, mqtt strategy with Trystero 0.25's API (@trystero-p2p/mqtt):
// rooms speak the 0.25 protocol. Same posthorn-mqtt.wasm as '../mqtt.mjs'.
// Top-level await: importing this module waits until the wasm runs.
import {load025} from '../loader.mjs'

const mod = await load025('mqtt', new URL('../posthorn-mqtt.wasm', import.meta.url))

export const joinRoom = mod.joinRoom
export const selfId = mod.selfId
export const getRelaySockets = mod.getRelaySockets
export const defaultRelayUrls = mod.defaultRelayUrls

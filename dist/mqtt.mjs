export {joinRoom, selfId, getRelaySockets} from './posthorn-mqtt.mjs'

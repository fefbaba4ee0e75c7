export {joinRoom, selfId, getRelaySockets} from './posthorn-nostr.mjs'

export {joinRoom, selfId, getRelaySockets} from './posthorn-ipfs.mjs'

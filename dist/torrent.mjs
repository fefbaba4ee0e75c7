export {joinRoom, selfId, getRelaySockets} from './posthorn-torrent.mjs'

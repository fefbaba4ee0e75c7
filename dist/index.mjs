// posthorn: the default strategy is BitTorrent, as in Trystero.
export {joinRoom, selfId, getRelaySockets} from './posthorn-torrent.mjs'

export {joinRoom, getOccupants, selfId} from './posthorn-firebase.mjs'

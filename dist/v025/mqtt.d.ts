// Types of 'posthorn/v025/mqtt', the shape of @trystero-p2p/mqtt 0.25.
import type {JoinRoomConfig} from './index.js'

export * from './index.js'

export type MqttRoomConfig = JoinRoomConfig

// Types of 'posthorn/v025/nostr', the shape of @trystero-p2p/nostr 0.25.
import type {JoinRoomConfig} from './index.js'

export * from './index.js'

export type NostrRoomConfig = JoinRoomConfig

/**
 * Stops this strategy's relay sockets from reconnecting: one whose
 * connection ends waits for resumeRelayReconnection(). Covers the rooms of
 * both 'posthorn/nostr' and 'posthorn/v025/nostr' (one wasm).
 */
export function pauseRelayReconnection(): void

/** Lets paused relay sockets reconnect, at once. */
export function resumeRelayReconnection(): void

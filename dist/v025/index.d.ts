// Types of posthorn's Trystero 0.25 API ('posthorn/v025/<strategy>'), the
// shape of @trystero-p2p/<strategy> 0.25. Only what posthorn implements is
// declared: no request actions, custom handshakes or media sending yet.

export type JsonValue =
  | null
  | string
  | number
  | boolean
  | JsonValue[]
  | {[key: string]: JsonValue}

export type DataPayload = JsonValue | Blob | ArrayBuffer | ArrayBufferView

export type PeerTarget = string | string[] | null

export interface JoinError {
  error: string
  appId: string
  roomId: string
  peerId: string
}

export interface JoinRoomCallbacks {
  onJoinError?: (details: JoinError) => void
  /** Checked (a positive number) but not used yet. */
  handshakeTimeoutMs?: number
}

export interface RelayConfig {
  urls?: string[]
  redundancy?: number
}

export interface JoinRoomConfig {
  appId: string
  password?: string
  /**
   * A passive room listens and announces nothing until a peer that is not
   * passive shows up; two passive rooms never meet.
   */
  passive?: boolean
  relayConfig?: RelayConfig
  rtcConfig?: RTCConfiguration
}

export interface ActionContext {
  peerId: string
  metadata?: JsonValue
}

export type ActionProgressHandler = (progress: number, context: ActionContext) => void

export interface SendOptions {
  target?: PeerTarget
  metadata?: JsonValue
  onProgress?: ActionProgressHandler
  signal?: AbortSignal
}

export interface MessageAction<T extends DataPayload = DataPayload> {
  send(data: T, options?: SendOptions): Promise<void>
  onMessage: ((data: T, context: ActionContext) => void | Promise<void>) | null
  onReceiveProgress: ActionProgressHandler | null
}

export interface MessageActionConfig<T extends DataPayload = DataPayload> {
  kind?: 'message'
  onMessage?: (data: T, context: ActionContext) => void | Promise<void>
  onReceiveProgress?: ActionProgressHandler
}

export interface Room {
  makeAction<T extends DataPayload = DataPayload>(
    namespace: string,
    config?: MessageActionConfig<T>
  ): MessageAction<T>
  ping(id: string): Promise<number>
  leave(): Promise<void>
  isPassive(): boolean
  getPeers(): Record<string, RTCPeerConnection>
  onPeerJoin: ((peerId: string) => void) | null
  onPeerLeave: ((peerId: string) => void) | null
  onPeerStream: ((stream: MediaStream, peerId: string, metadata?: JsonValue) => void) | null
  onPeerTrack:
    | ((track: MediaStreamTrack, stream: MediaStream, peerId: string, metadata?: JsonValue) => void)
    | null
}

export function joinRoom(config: JoinRoomConfig, roomId: string, callbacks?: JoinRoomCallbacks): Room

export const selfId: string

/** Relay URL → a snapshot {url, readyState} of posthorn's socket. */
export function getRelaySockets(): Record<string, {url: string; readyState: number}>

/** The relays a room uses when relayConfig.urls is not given: the 0.25.4 package's list. */
export const defaultRelayUrls: string[]

/**
 * Stops reconnecting relays: while paused, a relay connection that ends
 * waits instead of reconnecting; open connections stay open. Pausing twice
 * is pausing once. (Exported by @trystero-p2p/torrent and /nostr 0.25; here
 * it covers every relay connection of the page's posthorn, MQTT brokers
 * included.)
 */
export function pauseRelayReconnection(): void

/** Ends a pause: every relay connection waiting on it reconnects at once. */
export function resumeRelayReconnection(): void

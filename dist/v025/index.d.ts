// Types of posthorn's Trystero 0.25 API, the shape of @trystero-p2p/core
// 0.25 shared by every 'posthorn/v025/<strategy>' (each one's <strategy>.d.ts
// adds its own exports). Only what posthorn implements is declared: no
// custom handshakes yet.

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
  /**
   * torrent, nostr: true keeps the window's offline and online events from
   * pausing and resuming relay reconnection (read from the first room).
   */
  manualReconnection?: boolean
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

export interface AddMediaOptions {
  target?: PeerTarget
  /** Sent before the media (@_stream / @_track); the receiver's onPeerStream or onPeerTrack gets it. */
  metadata?: JsonValue
}

export interface RemoveMediaOptions {
  target?: PeerTarget
}

export interface RequestContext {
  peerId: string
  metadata?: JsonValue
  /** Aborts once the handler has settled. */
  signal: AbortSignal
}

export type PeerResult<R extends DataPayload = DataPayload> =
  | {peerId: string; status: 'fulfilled'; value: R}
  | {peerId: string; status: 'timeout'}
  | {peerId: string; status: 'rejected'; error: Error}
  | {peerId: string; status: 'disconnected'}

export interface RequestOptions {
  target: string
  metadata?: JsonValue
  /** Counted from when the request has been sent; none by default. */
  timeoutMs?: number
  onProgress?: ActionProgressHandler
  signal?: AbortSignal
}

export interface RequestManyOptions<R extends DataPayload = DataPayload> {
  targets: string[]
  metadata?: JsonValue
  timeoutMs?: number
  onProgress?: ActionProgressHandler
  onResult?: (result: PeerResult<R>) => void
  signal?: AbortSignal
}

/**
 * A request action. request() rejects with an Error whose kind is
 * 'rejected' (the peer's handler threw, or it had none within 500 ms),
 * 'timeout', 'disconnected' or 'aborted'.
 */
export interface RequestAction<T extends DataPayload = DataPayload, R extends DataPayload = DataPayload> {
  request(data: T, options: RequestOptions): Promise<R>
  requestMany(data: T, options: RequestManyOptions<R>): Promise<PeerResult<R>[]>
  onRequest: ((data: T, context: RequestContext) => R | Promise<R>) | null
  onReceiveProgress: ActionProgressHandler | null
}

export interface RequestActionConfig<T extends DataPayload = DataPayload, R extends DataPayload = DataPayload> {
  kind: 'request'
  onRequest?: (data: T, context: RequestContext) => R | Promise<R>
  onReceiveProgress?: ActionProgressHandler
}

export interface Room {
  makeAction<T extends DataPayload = DataPayload>(
    namespace: string,
    config?: MessageActionConfig<T>
  ): MessageAction<T>
  makeAction<T extends DataPayload = DataPayload, R extends DataPayload = DataPayload>(
    namespace: string,
    config: RequestActionConfig<T, R>
  ): RequestAction<T, R>
  ping(id: string): Promise<number>
  leave(): Promise<void>
  isPassive(): boolean
  getPeers(): Record<string, RTCPeerConnection>
  addStream(stream: MediaStream, options?: AddMediaOptions): Promise<void>[]
  removeStream(stream: MediaStream, options?: RemoveMediaOptions): void
  addTrack(track: MediaStreamTrack, stream: MediaStream, options?: AddMediaOptions): Promise<void>[]
  removeTrack(track: MediaStreamTrack, options?: RemoveMediaOptions): void
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack, options?: AddMediaOptions): Promise<void>[]
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

// Types of posthorn's JavaScript API: Trystero 0.18's (its README, "API"),
// served by posthorn's WebAssembly builds. Every entry point ('posthorn',
// 'posthorn/torrent', 'posthorn/nostr', 'posthorn/mqtt') exports the same
// three names; 'posthorn/firebase' exports joinRoom, selfId and
// getOccupants.

/** A value JSON can carry: what actions send as JSON and metadata holds. */
export type JsonValue =
  | null
  | string
  | number
  | boolean
  | JsonValue[]
  | {[key: string]: JsonValue}

/**
 * What an action sends: a string, any JSON value, or binary data (Blob,
 * ArrayBuffer or a TypedArray), which arrives as an ArrayBuffer.
 */
export type DataPayload = JsonValue | Blob | ArrayBuffer | ArrayBufferView

/** One peer id, a list of ids, or null/undefined for every peer in the room. */
export type TargetPeers = string | string[] | null | undefined

export interface BaseRoomConfig {
  /** Required: a string unique to your app. */
  appId: string
  /** Encrypts session descriptions on the relay; must match between peers. */
  password?: string
  /** RTCConfiguration for every peer connection (iceServers, iceTransportPolicy, ...). */
  rtcConfig?: RTCConfiguration
  /**
   * Called when a peer cannot be connected for a reason the app should know,
   * as in Trystero 0.25: a session description from `peerId` that does not
   * decrypt with `password` ("incorrect room password when decrypting offer"
   * or "... answer").
   */
  onJoinError?: (details: JoinErrorDetails) => void
}

export interface JoinErrorDetails {
  error: string
  appId: string
  roomId: string
  peerId: string
}

export interface RelayConfig {
  /** Relays to use (trackers, Nostr relays, MQTT brokers or, for ipfs, Waku service-node multiaddrs); all are used. */
  relayUrls?: string[]
  /** How many default relays to use when relayUrls is not given. */
  relayRedundancy?: number
}

export interface FirebaseConfig {
  /** firebase: where rooms live in the database; default '__trystero__'. */
  rootPath?: string
  /**
   * firebase: an initialised Firebase JS app; its options.databaseURL is
   * the database (appId may then be omitted). posthorn connects to that
   * database itself: the app's own connection and signed-in user are not used.
   */
  firebaseApp?: {options: {databaseURL?: string}}
}

export interface IpfsConfig {
  /**
   * ipfs: js-libp2p options in Trystero; posthorn reads only the service
   * nodes of its bootstrap discovery, peerDiscovery: [bootstrap({list})]
   * (@libp2p/bootstrap), and dials them itself.
   */
  libp2pConfig?: {peerDiscovery?: unknown[]; [option: string]: unknown}
}

export type RoomConfig = BaseRoomConfig & RelayConfig & FirebaseConfig & IpfsConfig

export interface ActionSender<T> {
  (
    data: T,
    targetPeers?: TargetPeers,
    metadata?: JsonValue,
    progress?: (percent: number, peerId: string, metadata?: JsonValue) => void
  ): Promise<undefined[]>
}

export interface ActionReceiver<T> {
  (
    receiver: (
      data: T extends Blob | ArrayBuffer | ArrayBufferView ? ArrayBuffer : T,
      peerId: string,
      metadata?: JsonValue
    ) => void
  ): void
}

export interface ActionProgress {
  (
    progressHandler: (
      percent: number,
      peerId: string,
      metadata?: JsonValue
    ) => void
  ): void
}

export interface Room {
  /** The sender, receiver and progress registrars of one action; the same three functions every call. */
  makeAction: <T extends DataPayload = DataPayload>(
    namespace: string
  ) => [ActionSender<T>, ActionReceiver<T>, ActionProgress]

  /** Round-trip time to a peer in milliseconds. */
  ping: (id: string) => Promise<number>

  leave: () => void

  /** Peer id → the browser's RTCPeerConnection. */
  getPeers: () => Record<string, RTCPeerConnection>

  addStream: (
    stream: MediaStream,
    targetPeers?: TargetPeers,
    metadata?: JsonValue
  ) => Promise<void>[]

  removeStream: (stream: MediaStream, targetPeers?: TargetPeers) => void

  addTrack: (
    track: MediaStreamTrack,
    stream: MediaStream,
    targetPeers?: TargetPeers,
    metadata?: JsonValue
  ) => Promise<void>[]

  removeTrack: (
    track: MediaStreamTrack,
    stream: MediaStream,
    targetPeers?: TargetPeers
  ) => void

  replaceTrack: (
    oldTrack: MediaStreamTrack,
    newTrack: MediaStreamTrack,
    stream: MediaStream,
    targetPeers?: TargetPeers,
    metadata?: JsonValue
  ) => Promise<void>[]

  onPeerJoin: (fn: (peerId: string) => void) => void

  onPeerLeave: (fn: (peerId: string) => void) => void

  onPeerStream: (
    fn: (stream: MediaStream, peerId: string, metadata?: JsonValue) => void
  ) => void

  onPeerTrack: (
    fn: (
      track: MediaStreamTrack,
      stream: MediaStream,
      peerId: string,
      metadata?: JsonValue
    ) => void
  ) => void
}

/** Joins a room; the same namespace gives the same Room until it is left. */
export function joinRoom(config: RoomConfig, roomId: string): Room

/** This page's peer id, the same in every room. */
export const selfId: string

/**
 * A relay's connection state. posthorn's sockets live in Go, so these are
 * snapshots with a WebSocket's `url` and `readyState`
 * (0 connecting, 1 open, 2 closing, 3 closed), not WebSocket objects.
 */
export interface RelaySocket {
  url: string
  readyState: 0 | 1 | 2 | 3
}

/** Relay URL → its connection state. */
export function getRelaySockets(): Record<string, RelaySocket>

/**
 * firebase only: the ids of the peers in a room, without joining it (one
 * read of <rootPath>/<roomId>).
 */
export function getOccupants(config: RoomConfig, roomId: string): Promise<string[]>

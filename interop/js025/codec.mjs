// Runs the real @trystero-p2p/core@0.25.4 codecs on the cases posthorn's
// interop/codec025 test sends on stdin (one JSON object), and prints the
// results as one JSON object. The dist files are imported by path: the
// package exports only its index.
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {pathToFileURL} from 'node:url'

const require = createRequire(import.meta.url)
const coreDir = join(dirname(require.resolve('@trystero-p2p/core/package.json')), 'dist')
const core = async f => import(pathToFileURL(join(coreDir, f)).href)

const {decrypt, deriveRoomNamespace, encrypt, genKey, sha1} = await core('crypto.mjs')
const {createPasswordHandshake} = await core('handshake.mjs')
const {getRelays, shuffle, strToNum} = await core('utils.mjs')
const {createActionWireManager} = await core('action-wire.mjs')
const {defaultRelayUrls: nostrRelays} = await import('@trystero-p2p/nostr')
const {defaultRelayUrls: mqttRelays} = await import('@trystero-p2p/mqtt')
const {defaultRelayUrls: torrentRelays} = await import('@trystero-p2p/torrent')

const input = JSON.parse(readFileSync(0, 'utf8'))
const out = {relays: {nostr: nostrRelays, mqtt: mqttRelays, torrent: torrentRelays}}

out.sha1 = await Promise.all(input.sha1.map(s => sha1(s)))
out.tokens = await Promise.all(input.rooms.map(([app, room]) => deriveRoomNamespace(app, room)))

out.crypto = await Promise.all(
  input.crypto.map(async ({password, app, room, plain, goEnvelope}) => {
    const key = genKey(password, app, room)
    let goPlain = null
    try {
      goPlain = await decrypt(key, goEnvelope)
    } catch {
      goPlain = null
    }
    return {envelope: await encrypt(key, plain), goPlain}
  })
)

out.handshake = await Promise.all(
  input.handshake.map(async ({password, app, room, challenge}) => {
    let reply = null
    await createPasswordHandshake(password, app, room).run(
      async data => {
        reply = data
      },
      async () => ({data: {__trystero_pw: 'challenge', c: challenge}}),
      false
    )
    return reply
  })
)

out.strToNum = input.apps.map(a => strToNum(a))
out.shuffles = input.apps.map(a => shuffle(input.list, strToNum(a)))
out.nostrPicks = input.apps.map(appId => getRelays({appId}, nostrRelays, 5, true))

// Chunks: every case is sent by the real sender to one fake peer, and the
// chunks posthorn encoded for it are fed to the real receiver.
const hex = b => Buffer.from(b).toString('hex')
const value = c =>
  c.kind === 'binary'
    ? new Uint8Array(Buffer.from(c.hex, 'hex'))
    : c.kind === 'json'
      ? JSON.parse(c.text)
      : c.text
const sent = []
const fakePeer = {channel: null, sendData: chunk => sent.push(hex(chunk))}
const sender = createActionWireManager({
  getPeer: () => fakePeer,
  getPeerIds: () => ['remote'],
  canReceiveFromPeer: () => true,
  throwIfAborted: () => {}
})
out.chunks = []
for (const c of input.chunks) {
  sent.length = 0
  await sender
    .makeInternalAction(c.action)
    .send(value(c), ['remote'], c.meta === null ? undefined : JSON.parse(c.meta))
  out.chunks.push([...sent])
}
const received = []
const receiver = createActionWireManager({
  getPeer: () => null,
  getPeerIds: () => [],
  canReceiveFromPeer: () => true,
  throwIfAborted: () => {}
})
for (const a of new Set(input.chunks.map(c => c.action))) {
  receiver.makeInternalAction(a).onMessage((payload, id, metadata) =>
    received.push({
      action: a,
      payload:
        payload instanceof Uint8Array
          ? {hex: hex(payload)}
          : typeof payload === 'string'
            ? {text: payload}
            : {json: JSON.stringify(payload)},
      ...(metadata === undefined ? {} : {meta: JSON.stringify(metadata)})
    })
  )
}
for (const chunks of input.goChunks) {
  for (const h of chunks) receiver.handleData('remote', Buffer.from(h, 'hex'))
}
out.received = received

process.stdout.write(JSON.stringify(out))

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

process.stdout.write(JSON.stringify(out))

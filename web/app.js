// The posthorn demo: every part of Trystero's API, used only through
// posthorn's ES module loaders exactly as the seed README documents it
// (joinRoom, selfId, makeAction, ping, getPeers, media).
// The loaders import wasm_exec.js themselves; no <script> tag is needed.
const $ = id => document.getElementById(id)
const appId = 'posthorn-demo'

// One module per strategy, as trystero, trystero/nostr, trystero/mqtt,
// trystero/firebase (whose direct module also has getRelaySockets) and
// trystero/ipfs.
const strategies = {
  torrent: {module: './posthorn/index.mjs', wasm: './posthorn/posthorn-torrent.wasm'},
  nostr: {module: './posthorn/nostr.mjs', wasm: './posthorn/posthorn-nostr.wasm'},
  mqtt: {module: './posthorn/mqtt.mjs', wasm: './posthorn/posthorn-mqtt.wasm'},
  firebase: {module: './posthorn/posthorn-firebase.mjs', wasm: './posthorn/posthorn-firebase.wasm'},
  ipfs: {module: './posthorn/ipfs.mjs', wasm: './posthorn/posthorn-ipfs.wasm'}
}

const waitingText = 'Waiting for peers… open this page in another tab.'
const colorOf = id =>
  `hsl(${[...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7)} 65% 42%)`
const short = id => String(id).slice(0, 6)
const fmtBytes = n =>
  !Number.isFinite(n)
    ? '? B'
    : n < 1024
      ? `${n} B`
      : n < 1048576
        ? `${(n / 1024).toFixed(1)} KiB`
        : `${(n / 1048576).toFixed(1)} MiB`
const note = text => ($('relay-note').textContent = text)

// Served by `make demo`, demo-config.json lists the strategies built and
// points each at the embedded relay; served anywhere else, the page probes
// for the wasm files and the loaders use their public default relays.
const demoConfig = await fetch('demo-config.json')
  .then(r => (r.ok ? r.json() : null))
  .catch(() => null)
const localRelays = demoConfig?.relayUrls ?? null

// Offer only the strategies whose wasm was built (and Firebase only with a
// database, which only demo-config.json can name: posthorn-demo -firebase).
const built = Array.isArray(demoConfig?.strategies)
  ? demoConfig.strategies
  : (
      await Promise.all(
        Object.keys(strategies).filter(name => name !== 'firebase').map(name =>
          fetch(strategies[name].wasm, {method: 'HEAD'})
            .then(r => (r.ok ? name : null))
            .catch(() => null)
        )
      )
    ).filter(Boolean)
for (const o of [...$('strategy').options]) if (!built.includes(o.value)) o.remove()
if (!$('strategy').options.length) {
  note('No wasm build found under posthorn/: run make wasm (or make demo).')
} else {
  note(localRelays ? 'Signalling through the local relay started by make demo.' : 'Signalling through public relays.')
  $('join-btn').disabled = false
}

const params = new URLSearchParams(location.search)
if (params.get('room')) $('room').value = params.get('room')
if (params.get('strategy') && strategies[params.get('strategy')]) $('strategy').value = params.get('strategy')

// State of the joined room.
let room = null
let selfId = ''
const peerRows = {} // peerId → <li>
const pingTimers = {} // peerId → interval id
const cursors = {} // peerId → cursor element
const tiles = {} // 'self' or peerId → video <figure>
// Receiving transfer rows by peer and file, so one peer's concurrent
// files keep their own rows.
const incoming = new Map()
const incomingKey = (peerId, m) => JSON.stringify([peerId, m.name, m.type, m.size ?? null])

// Local media: the camera stream, its microphone track, and a silent track
// that replaces the microphone while muted.
let selfStream = null
let micTrack = null
let silentTrack = null
let muted = false

$('join').addEventListener('submit', async e => {
  e.preventDefault()
  $('join-btn').disabled = true
  const strategy = $('strategy').value
  const roomName = $('room').value.trim() || 'lobby'
  note(`Loading the ${strategy} strategy…`)
  let mod
  try {
    mod = await import(strategies[strategy].module)
  } catch (err) {
    note(`Could not load posthorn (${strategy}): ${err.message}`)
    $('join-btn').disabled = false
    return
  }
  const config = {appId}
  if ($('password').value) config.password = $('password').value
  if (strategy === 'firebase') config.appId = localRelays.firebase[0] // the database URL
  // For ipfs these are make demo's Waku service node multiaddrs: posthorn/ipfs
  // dials relayUrls as it does libp2pConfig's bootstrap list (Trystero's
  // libp2pConfig: {peerDiscovery: [bootstrap({list})]}), which needs no
  // js-libp2p module in the page.
  else if (localRelays?.[strategy]) config.relayUrls = localRelays[strategy]
  // make demo's TURN server, for peers that cannot reach each other directly
  // (symmetric NAT, CGNAT); elsewhere the loaders' default STUN servers.
  if (demoConfig?.iceServers?.length) config.rtcConfig = {iceServers: demoConfig.iceServers}
  try {
    room = mod.joinRoom(config, roomName)
  } catch (err) {
    note(`joinRoom failed: ${err.message}`)
    $('join-btn').disabled = false
    return
  }
  selfId = mod.selfId
  setUpRoom()
  $('self-id').textContent = selfId
  $('self-id').style.color = colorOf(selfId)
  $('room-name').textContent = roomName
  $('strategy-name').textContent = strategy
  $('join').hidden = true
  $('app').hidden = false
  document.body.dataset.joined = strategy
  // A shareable address for this room (the password stays out of it).
  history.replaceState(null, '', `?${new URLSearchParams({room: roomName, strategy})}`)
  window.posthornDemo = {room, selfId, strategy, getRelaySockets: mod.getRelaySockets}
  showRelays(mod.getRelaySockets)
  setInterval(showRelays, 1000, mod.getRelaySockets)
})

$('leave').addEventListener('click', () => {
  room?.leave()
  location.reload()
})
// Leave on reload or close, so peers see us go at once.
addEventListener('pagehide', () => room?.leave())
// A page restored from the back/forward cache has left its room: start over.
addEventListener('pageshow', e => e.persisted && room && location.reload())

// showRelays shows how many relay sockets are open (readyState 1), or that
// they are still connecting (0).
function showRelays(getRelaySockets) {
  const all = Object.values(getRelaySockets() ?? {})
  const open = all.filter(s => s?.readyState === 1).length
  const connecting = !open && all.some(s => s?.readyState === 0)
  $('relays').textContent = connecting
    ? 'connecting to relays…'
    : `${open}/${all.length} relay${all.length === 1 ? '' : 's'} connected`
  $('relays').classList.toggle('warn', !open && !connecting)
}

function setUpRoom() {
  const [sendChat, getChat] = room.makeAction('chat')
  const [sendCursor, getCursor] = room.makeAction('cursor')
  const [sendFile, getFile, onFileProgress] = room.makeAction('file')

  room.onPeerJoin(peerId => {
    addPeer(peerId)
    addMessage(null, `${short(peerId)} joined`)
    if (selfStream) sendStreamTo(peerId)
  })
  room.onPeerLeave(peerId => {
    removePeer(peerId)
    addMessage(null, `${short(peerId)} left`)
  })

  // Chat: plain strings.
  getChat((text, peerId) => {
    if (typeof text === 'string') addMessage(peerId, text.slice(0, 2000))
  })
  $('chat-form').addEventListener('submit', e => {
    e.preventDefault()
    const text = $('chat-input').value.trim()
    if (!text) return
    sendChat(text).catch(err => addMessage(null, `Chat not sent: ${err.message}`))
    addMessage(selfId, text)
    $('chat-input').value = ''
  })

  // Shared cursors: one action at pointer-move rate (browsers coalesce
  // pointer events to one per frame), positions as fractions of the area so
  // screens of any size agree; null when the pointer leaves.
  const area = $('playground')
  area.addEventListener('pointermove', e => {
    const r = area.getBoundingClientRect()
    sendCursor([(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height]).catch(() => {})
  })
  area.addEventListener('pointerleave', () => sendCursor(null).catch(() => {}))
  getCursor((pos, peerId) => {
    if (!peerRows[peerId]) return
    const valid = Array.isArray(pos) && pos.length === 2 && pos.every(Number.isFinite)
    let c = cursors[peerId]
    if (!valid) {
      if (c) c.hidden = true
      return
    }
    if (!c) {
      c = cursors[peerId] = document.createElement('span')
      c.className = 'cursor'
      c.dataset.peer = peerId
      c.textContent = short(peerId)
      c.style.setProperty('--c', colorOf(peerId))
      area.append(c)
    }
    c.hidden = false
    c.style.left = `${Math.min(Math.max(pos[0], 0), 1) * 100}%`
    c.style.top = `${Math.min(Math.max(pos[1], 0), 1) * 100}%`
  })

  // Files: the File itself (a Blob) with {name, type, size} metadata;
  // progress on both sides, a download link on the receiver.
  $('file-input').addEventListener('change', e => {
    const files = [...e.target.files]
    e.target.value = ''
    for (const file of files) offerFile(file)
  })
  const drop = $('files-card')
  drop.addEventListener('dragover', e => {
    e.preventDefault()
    drop.classList.add('dragging')
  })
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'))
  drop.addEventListener('drop', e => {
    e.preventDefault()
    drop.classList.remove('dragging')
    for (const file of e.dataTransfer.files) offerFile(file)
  })
  async function offerFile(file) {
    const peers = Object.keys(room.getPeers())
    if (!peers.length) return addMessage(null, 'No peers to send the file to yet.')
    const meta = {name: file.name, type: file.type || 'application/octet-stream', size: file.size}
    const row = transferRow('out', `Sending ${file.name}`, meta, peers)
    try {
      await sendFile(file, peers, meta, (pct, peerId) => row.update(peerId, pct))
      row.finish('sent')
    } catch (err) {
      row.finish(`failed: ${err.message}`)
    }
  }
  onFileProgress((pct, peerId, meta) => {
    // Progress comes for every message on the action; only a file's
    // metadata (a name) opens a row before the data is complete.
    if (!peerRows[peerId] || typeof meta?.name !== 'string') return
    const m = fileMeta(meta)
    const key = incomingKey(peerId, m)
    let row = incoming.get(key)
    if (!row) incoming.set(key, (row = transferRow('in', `Receiving ${m.name} from ${short(peerId)}`, m, [peerId])))
    row.update(peerId, pct)
  })
  getFile((data, peerId, meta) => {
    const m = fileMeta(meta)
    const key = incomingKey(peerId, m)
    const row = incoming.get(key)
    incoming.delete(key)
    if (!(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
      row?.finish('not a file')
      return
    }
    const r = row ?? transferRow('in', `Received ${m.name} from ${short(peerId)}`, {...m, size: data.byteLength}, [peerId])
    r.update(peerId, 1)
    r.finish('received')
    r.link(new Blob([data], {type: m.type}), m.name, data.byteLength)
  })

  // Audio and video.
  room.onPeerStream((stream, peerId, meta) => showStream(stream, peerId, meta))
  $('camera').addEventListener('click', startCamera)
  $('mute').addEventListener('click', toggleMute)
  $('stop').addEventListener('click', stopCamera)
}

// fileMeta checks a peer's file metadata; anything missing gets a default.
function fileMeta(meta) {
  const name = typeof meta?.name === 'string' && meta.name.trim() ? meta.name.slice(0, 200) : 'file'
  const type = typeof meta?.type === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(meta.type) ? meta.type : 'application/octet-stream'
  const size = Number.isFinite(meta?.size) && meta.size >= 0 ? meta.size : undefined
  return {name, type, size}
}

function addPeer(peerId) {
  if (peerRows[peerId]) return
  $('peers').querySelector('.empty')?.remove()
  const li = document.createElement('li')
  li.dataset.peer = peerId
  li.innerHTML = '<span class="dot"></span><code></code><span class="ping" title="round trip">…</span>'
  li.querySelector('.dot').style.background = colorOf(peerId)
  li.querySelector('code').textContent = peerId
  $('peers').append(li)
  peerRows[peerId] = li
  const ping = () =>
    room
      .ping(peerId)
      .then(ms => {
        if (peerRows[peerId]) peerRows[peerId].querySelector('.ping').textContent = `${Math.round(ms)} ms`
      })
      .catch(() => {}) // the peer left while we waited
  ping()
  pingTimers[peerId] = setInterval(ping, 2000)
  updateCount()
}

function removePeer(peerId) {
  clearInterval(pingTimers[peerId])
  peerRows[peerId]?.remove()
  cursors[peerId]?.remove()
  tiles[peerId]?.remove()
  for (const [key, row] of incoming)
    if (JSON.parse(key)[0] === peerId) row.finish('interrupted'), incoming.delete(key)
  for (const m of [pingTimers, peerRows, cursors, tiles]) delete m[peerId]
  if (!Object.keys(peerRows).length) $('peers').innerHTML = `<li class="empty">${waitingText}</li>`
  updateCount()
}

const updateCount = () => ($('peer-count').textContent = Object.keys(peerRows).length)

function addMessage(peerId, text) {
  const li = document.createElement('li')
  if (peerId) {
    const who = document.createElement('b')
    who.textContent = peerId === selfId ? 'you' : short(peerId)
    who.style.color = colorOf(peerId)
    li.append(who, ' ')
    li.dataset.from = peerId
  } else li.className = 'system'
  li.append(text)
  $('messages').append(li)
  $('messages').scrollTop = $('messages').scrollHeight
}

// transferRow is one file transfer: a title, the file's type and size, a
// progress bar per peer, and on completion a status word and, for received
// files, a download link.
function transferRow(direction, label, meta, peerIds) {
  const li = document.createElement('li')
  li.className = direction
  const title = document.createElement('div')
  title.className = 'title'
  title.textContent = label
  const info = document.createElement('div')
  info.className = 'meta'
  info.textContent = `${meta.type} · ${meta.size != null ? fmtBytes(meta.size) : 'size unknown'}`
  li.append(title, info)
  const bars = {}
  for (const id of peerIds) {
    const line = document.createElement('div')
    line.className = 'bar'
    const bar = document.createElement('progress')
    bar.max = 1
    bar.value = 0
    bar.dataset.peer = id
    const who = document.createElement('span')
    who.textContent = direction === 'out' ? `→ ${short(id)}` : `${short(id)} →`
    line.append(who, bar)
    bars[id] = bar
    li.append(line)
  }
  $('transfers').prepend(li)
  let finished = false
  return {
    update: (id, pct) => {
      if (bars[id] && Number.isFinite(pct)) bars[id].value = Math.min(Math.max(pct, 0), 1)
    },
    finish: word => {
      if (finished) return
      finished = true
      li.dataset.state = word
      const s = document.createElement('span')
      s.className = 'state'
      s.textContent = ` — ${word}`
      title.append(s)
    },
    link: (blob, name, n) => {
      const a = document.createElement('a')
      a.href = URL.createObjectURL(blob)
      a.download = name
      a.textContent = `Download ${name} (${fmtBytes(n)})`
      a.className = 'download'
      li.append(a)
    }
  }
}

// Local media ---------------------------------------------------------------

const streamMeta = {kind: 'camera'}

async function startCamera() {
  $('camera').disabled = true
  try {
    selfStream = await getMedia()
  } catch (err) {
    $('camera').disabled = false
    return addMessage(null, `Camera unavailable: ${err.message}`)
  }
  micTrack = selfStream.getAudioTracks()[0] ?? null
  muted = false
  showStream(selfStream, null, streamMeta)
  room.addStream(selfStream, null, streamMeta)
  $('mute').disabled = !micTrack
  $('stop').disabled = false
}

// getMedia asks for camera and microphone, then for either alone.
async function getMedia() {
  let last
  for (const c of [{audio: true, video: true}, {video: true}, {audio: true}]) {
    try {
      return await navigator.mediaDevices.getUserMedia(c)
    } catch (err) {
      last = err
    }
  }
  throw last
}

// sendStreamTo sends the camera to a newcomer; while muted it sends the
// silent track in the microphone's place.
async function sendStreamTo(peerId) {
  const stream = selfStream
  await Promise.all(room.addStream(stream, peerId, streamMeta)).catch(() => {})
  if (muted && stream === selfStream) room.replaceTrack(micTrack, silentTrack, stream, peerId)
}

// Muting swaps the microphone for a silent track with replaceTrack: peers
// keep the same stream and nothing is renegotiated.
function toggleMute() {
  if (!micTrack || !selfStream) return
  silentTrack ??= silence()
  const [from, to] = muted ? [silentTrack, micTrack] : [micTrack, silentTrack]
  room.replaceTrack(from, to, selfStream)
  muted = !muted
  // Also silence the microphone itself, so a newcomer who gets the stream
  // before its replaceTrack hears nothing either.
  micTrack.enabled = !muted
  $('mute').textContent = muted ? 'Unmute' : 'Mute'
  $('mute').setAttribute('aria-pressed', muted)
  tiles.self?.classList.toggle('muted', muted)
}

// silence is an audio track that carries no sound.
function silence() {
  const ctx = new AudioContext()
  const dst = ctx.createMediaStreamDestination()
  return dst.stream.getAudioTracks()[0]
}

// stopCamera removes the stream from every peer (they renegotiate and see
// its tracks go) and releases the devices.
function stopCamera() {
  if (!selfStream) return
  room.removeStream(selfStream)
  selfStream.getTracks().forEach(t => t.stop())
  tiles.self?.remove()
  delete tiles.self
  selfStream = micTrack = null
  muted = false
  $('camera').disabled = false
  $('mute').disabled = true
  $('mute').textContent = 'Mute'
  $('mute').setAttribute('aria-pressed', false)
  $('stop').disabled = true
}

// showStream shows a stream in a tile: ours (peerId null) or a peer's.
function showStream(stream, peerId, meta) {
  const key = peerId ?? 'self'
  let box = tiles[key]
  if (!box) {
    box = tiles[key] = document.createElement('figure')
    box.dataset.peer = key
    const video = document.createElement('video')
    video.autoplay = true
    video.playsInline = true
    video.muted = !peerId // never play our own microphone back
    const cap = document.createElement('figcaption')
    if (peerId) cap.style.setProperty('--c', colorOf(peerId))
    box.append(video, cap)
    $('videos').append(box)
  }
  const kind = typeof meta?.kind === 'string' ? ` · ${meta.kind.slice(0, 20)}` : ''
  box.querySelector('figcaption').textContent = peerId ? `${short(peerId)}${kind}` : 'you'
  const video = box.querySelector('video')
  video.srcObject = stream
  video.play().catch(() => {}) // autoplay may wait for a click
  if (!peerId) return
  // removeStream on the sender renegotiates; the receiver's stream then
  // loses its tracks. Drop the tile when none is left.
  const drop = () => {
    if (tiles[key] === box && video.srcObject === stream && !stream.getTracks().some(t => t.readyState === 'live'))
      box.remove(), delete tiles[key]
  }
  stream.addEventListener('removetrack', drop)
  for (const t of stream.getTracks()) t.addEventListener('ended', drop)
}

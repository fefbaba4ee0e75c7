// The posthorn demo: every part of Trystero's API, through posthorn's ESM
// loaders exactly as the seed documents them (joinRoom, makeAction, media).
const $ = id => document.getElementById(id)
const modules = {
  torrent: './posthorn/index.mjs',
  nostr: './posthorn/nostr.mjs',
  mqtt: './posthorn/mqtt.mjs'
}
const appId = 'posthorn-demo'

// Served by `make demo`, the page finds the embedded local relay in
// demo-config.json; served anywhere else, it uses the public defaults.
const localRelays = await fetch('demo-config.json')
  .then(r => (r.ok ? r.json() : null))
  .then(c => c?.relayUrls ?? null)
  .catch(() => null)
$('relay-note').textContent = localRelays
  ? 'Using the local relay started by make demo.'
  : 'Using public relays.'

const params = new URLSearchParams(location.search)
if (params.get('room')) $('room').value = params.get('room')
if (params.get('strategy')) $('strategy').value = params.get('strategy')
if (params.get('password')) $('password').value = params.get('password')

let room = null
const peerRows = {}
const pingTimers = {}
const cursors = {}
const peerVideos = {}
let selfStream = null
let micTrack = null
let silentTrack = null
let muted = false
let transferSeq = 0

const colorOf = id =>
  `hsl(${[...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7)} 70% 45%)`
const short = id => id.slice(0, 6)
const fmtBytes = n =>
  n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`

$('join').addEventListener('submit', async e => {
  e.preventDefault()
  $('join-btn').disabled = true
  const strategy = $('strategy').value
  const {joinRoom, selfId} = await import(modules[strategy])
  const config = {appId}
  if ($('password').value) config.password = $('password').value
  if (localRelays?.[strategy]) config.relayUrls = localRelays[strategy]
  const roomName = $('room').value.trim() || 'lobby'
  room = joinRoom(config, roomName)
  setUpRoom(room, selfId)
  $('self-id').textContent = selfId
  $('self-id').style.color = colorOf(selfId)
  $('room-name').textContent = roomName
  $('strategy-name').textContent = strategy
  $('join').hidden = true
  $('app').hidden = false
  document.body.dataset.joined = 'true'
  window.posthornDemo = {room, selfId}
})

$('leave').addEventListener('click', () => {
  room?.leave()
  location.reload()
})

function setUpRoom(room, selfId) {
  const [sendChat, getChat] = room.makeAction('chat')
  const [sendCursor, getCursor] = room.makeAction('cursor')
  const [sendFile, getFile, onFileProgress] = room.makeAction('file')

  room.onPeerJoin(peerId => {
    addPeer(peerId)
    addMessage(null, `${short(peerId)} joined`)
    if (selfStream) room.addStream(selfStream, peerId, {kind: 'camera'})
  })
  room.onPeerLeave(peerId => {
    removePeer(peerId)
    addMessage(null, `${short(peerId)} left`)
  })

  // chat
  getChat((text, peerId) => addMessage(peerId, text))
  $('chat-form').addEventListener('submit', e => {
    e.preventDefault()
    const text = $('chat-input').value.trim()
    if (!text) return
    sendChat(text)
    addMessage(selfId, text)
    $('chat-input').value = ''
  })

  // shared cursors: one action at pointer-move rate, positions in 0..1
  const area = $('playground')
  let pending = null
  area.addEventListener('pointermove', e => {
    const r = area.getBoundingClientRect()
    const pos = [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height]
    if (!pending) requestAnimationFrame(() => (sendCursor(pending), (pending = null)))
    pending = pos
  })
  getCursor(([x, y], peerId) => {
    let c = cursors[peerId]
    if (!c) {
      c = cursors[peerId] = document.createElement('span')
      c.className = 'cursor'
      c.textContent = short(peerId)
      c.style.setProperty('--c', colorOf(peerId))
      area.append(c)
    }
    c.style.left = `${Math.min(Math.max(x, 0), 1) * 100}%`
    c.style.top = `${Math.min(Math.max(y, 0), 1) * 100}%`
  })

  // files: binary with metadata, progress on both sides
  $('file-input').addEventListener('change', async e => {
    const file = e.target.files[0]
    if (!file) return
    e.target.value = ''
    const peers = Object.keys(room.getPeers())
    if (!peers.length) return addMessage(null, 'No peers to send to yet.')
    const row = transferRow(`Sending ${file.name}`, file.size, peers)
    const meta = {name: file.name, type: file.type || 'application/octet-stream', size: file.size}
    await sendFile(file, null, meta, (pct, peerId) => row.update(peerId, pct))
    row.done('sent')
  })
  const incoming = {}
  onFileProgress((pct, peerId, meta) => {
    const key = peerId + (meta?.name ?? '')
    incoming[key] ??= transferRow(`Receiving ${meta?.name ?? 'file'} from ${short(peerId)}`, meta?.size, [peerId])
    incoming[key].update(peerId, pct)
  })
  getFile((data, peerId, meta) => {
    const key = peerId + (meta?.name ?? '')
    const row = incoming[key] ?? transferRow(`Received ${meta?.name} from ${short(peerId)}`, data.byteLength, [peerId])
    delete incoming[key]
    row.update(peerId, 1)
    row.link(new Blob([data], {type: meta?.type}), meta?.name ?? 'file', data.byteLength)
  })

  // audio and video
  room.onPeerStream((stream, peerId, meta) => showStream(stream, peerId, meta))
  $('camera').addEventListener('click', startCamera)
  $('mute').addEventListener('click', toggleMute)
  $('stop').addEventListener('click', stopCamera)
}

function addPeer(peerId) {
  if (peerRows[peerId]) return
  $('peers').querySelector('.empty')?.remove()
  const li = document.createElement('li')
  li.dataset.peer = peerId
  li.innerHTML = '<span class="dot"></span><code></code><span class="ping">…</span>'
  li.querySelector('.dot').style.background = colorOf(peerId)
  li.querySelector('code').textContent = peerId
  $('peers').append(li)
  peerRows[peerId] = li
  const ping = async () => {
    const ms = await room.ping(peerId)
    if (peerRows[peerId]) peerRows[peerId].querySelector('.ping').textContent = `${Math.round(ms)} ms`
  }
  ping()
  pingTimers[peerId] = setInterval(ping, 2000)
  updateCount()
}

function removePeer(peerId) {
  clearInterval(pingTimers[peerId])
  peerRows[peerId]?.remove()
  cursors[peerId]?.remove()
  peerVideos[peerId]?.remove()
  delete peerRows[peerId], delete cursors[peerId], delete peerVideos[peerId]
  if (!Object.keys(peerRows).length)
    $('peers').innerHTML = '<li class="empty">Waiting for peers… open this page in another tab.</li>'
  updateCount()
}

const updateCount = () => ($('peer-count').textContent = Object.keys(peerRows).length)

function addMessage(peerId, text) {
  const li = document.createElement('li')
  if (peerId) {
    const who = document.createElement('b')
    who.textContent = short(peerId)
    who.style.color = colorOf(peerId)
    li.append(who, ' ')
  } else li.className = 'system'
  li.append(text)
  $('messages').append(li)
  $('messages').scrollTop = $('messages').scrollHeight
}

function transferRow(label, size, peerIds) {
  const li = document.createElement('li')
  li.dataset.transfer = ++transferSeq
  const title = document.createElement('div')
  title.textContent = size != null ? `${label} (${fmtBytes(size)})` : label
  li.append(title)
  const bars = {}
  for (const id of peerIds) {
    const bar = document.createElement('progress')
    bar.max = 1
    bar.value = 0
    bar.title = id
    bars[id] = bar
    li.append(bar)
  }
  $('transfers').prepend(li)
  return {
    update: (id, pct) => bars[id] && (bars[id].value = pct),
    done: word => title.append(` — ${word}`),
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

async function startCamera() {
  try {
    selfStream = await navigator.mediaDevices.getUserMedia({audio: true, video: true})
  } catch (err) {
    return addMessage(null, `Camera unavailable: ${err.message}`)
  }
  micTrack = selfStream.getAudioTracks()[0] ?? null
  showStream(selfStream, null, {kind: 'camera'})
  room.addStream(selfStream, null, {kind: 'camera'})
  $('camera').disabled = true
  $('mute').disabled = !micTrack
  $('stop').disabled = false
}

// Muting swaps the microphone for a silent track with replaceTrack, so peers
// keep the same stream and no renegotiation is needed.
function toggleMute() {
  if (!micTrack) return
  if (!silentTrack) {
    const ctx = new AudioContext()
    silentTrack = ctx.createMediaStreamDestination().stream.getAudioTracks()[0]
  }
  const [from, to] = muted ? [silentTrack, micTrack] : [micTrack, silentTrack]
  room.replaceTrack(from, to, selfStream)
  muted = !muted
  $('mute').textContent = muted ? 'Unmute' : 'Mute'
}

function stopCamera() {
  room.removeStream(selfStream)
  selfStream.getTracks().forEach(t => t.stop())
  peerVideos.self?.remove()
  delete peerVideos.self
  selfStream = null
  muted = false
  $('camera').disabled = false
  $('mute').disabled = true
  $('mute').textContent = 'Mute'
  $('stop').disabled = true
}

function showStream(stream, peerId, meta) {
  const key = peerId ?? 'self'
  let box = peerVideos[key]
  if (!box) {
    box = peerVideos[key] = document.createElement('figure')
    box.dataset.peer = key
    const video = document.createElement('video')
    video.autoplay = true
    video.playsInline = true
    video.muted = !peerId
    const cap = document.createElement('figcaption')
    cap.textContent = peerId ? `${short(peerId)}${meta?.kind ? ` · ${meta.kind}` : ''}` : 'you'
    box.append(video, cap)
    $('videos').append(box)
  }
  box.querySelector('video').srcObject = stream
  // A stream removed by its sender ends its tracks: drop the tile then.
  stream.addEventListener('removetrack', () => {
    if (!stream.getTracks().length && peerVideos[key] === box) box.remove(), delete peerVideos[key]
  })
}

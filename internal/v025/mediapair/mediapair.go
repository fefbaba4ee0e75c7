// Package mediapair pairs Trystero 0.25's stream and track metadata with
// the media it announces (protocol-0.25 §10, §14.8). A peer sends an
// @_stream or @_track message before every addStream, addTrack and
// replaceTrack; the receiver queues them first in, first out, gives the
// next remote stream (or track) the oldest one, and gives a message naming
// media it already delivered (by key, or by stream or track id) that
// media again at once.
//
// Pion reports a track at its first RTP packet, so media and messages do
// not arrive in a fixed order, and the track ids a receiver sees need not
// be the ones the sender named (the SDP's msid). posthorn therefore pairs
// more carefully than JS, within the same rules: a message naming the
// media's id, then one naming its group (a track's stream), is preferred
// to the oldest; media of a group already announced (the late tracks of a
// stream) takes no message but one naming it; media that finds no message
// is held for one that names it, where JS would drop it; delivered media
// is remembered under the ids the message named as well as its own.
// Everything a peer can fill is bounded in count and bytes; past a bound
// the oldest entry goes.
package mediapair

import (
	"encoding/json"
	"slices"

	"github.com/posthorn/posthorn/internal/v025/wire"
)

// Limits bound one Pairer.
type Limits struct {
	// Metas and MetaBytes bound the messages waiting for their media:
	// count, and the sum of their encoded sizes.
	Metas, MetaBytes int
	// Held bounds the media waiting for a message.
	Held int
	// Known bounds the media remembered by key and by id for later
	// messages (re-adds, replaceTrack).
	Known int
}

// DefaultLimits: a peer adds a handful of streams and tracks; these leave
// room for bursts and keep a hostile one to a few hundred KiB.
var DefaultLimits = Limits{Metas: 64, MetaBytes: 256 << 10, Held: 16, Known: 256}

// Pairer pairs one peer's metadata messages of one kind (streams or
// tracks) with that peer's remote media of that kind. T is the media as the
// room hands it out. It is not safe for concurrent use.
type Pairer[T any] struct {
	// Announced, if set, reports whether a group (a stream) was announced
	// and delivered already; its tracks then pair only by their own id.
	Announced func(group string) bool

	lim       Limits
	metas     []wire.MediaMeta
	metaBytes int
	held      []entry[T]
	byKey     bounded[T]
	byID      bounded[T]
}

type entry[T any] struct {
	id, group string
	item      T
}

// New returns an empty Pairer; zero fields of lim take DefaultLimits'.
func New[T any](lim Limits) *Pairer[T] {
	d := DefaultLimits
	if lim.Metas <= 0 {
		lim.Metas = d.Metas
	}
	if lim.MetaBytes <= 0 {
		lim.MetaBytes = d.MetaBytes
	}
	if lim.Held <= 0 {
		lim.Held = d.Held
	}
	if lim.Known <= 0 {
		lim.Known = d.Known
	}
	return &Pairer[T]{lim: lim, byKey: newBounded[T](lim.Known), byID: newBounded[T](lim.Known)}
}

// Pair is media matched with its message: Meta is the user's metadata
// (nil when the sender gave none).
type Pair[T any] struct {
	Item T
	Meta json.RawMessage
}

// Meta takes a message. It returns the media to deliver now, if the
// message names media delivered before (by key, or by its media id: t for
// tracks, s for streams) or media held; otherwise the message waits (and
// dropped counts the oldest ones it pushed out).
func (p *Pairer[T]) Meta(m wire.MediaMeta) (pair Pair[T], ok bool, dropped int) {
	id := metaID(m)
	if it, found := p.byKey.get(m.Key); found {
		return p.deliver(m, id, it), true, 0
	}
	if id != "" {
		if it, found := p.byID.get(id); found {
			return p.deliver(m, id, it), true, 0
		}
	}
	for i, h := range p.held {
		if (id != "" && h.id == id) || (h.group != "" && h.group == m.StreamID && m.TrackID != "" && !p.announced(h.group)) {
			p.held = append(p.held[:i], p.held[i+1:]...)
			return p.deliver(m, h.id, h.item), true, 0
		}
	}
	p.metas = append(p.metas, m)
	p.metaBytes += metaSize(m)
	for len(p.metas) > p.lim.Metas || (p.metaBytes > p.lim.MetaBytes && len(p.metas) > 0) {
		p.metaBytes -= metaSize(p.metas[0])
		p.metas = p.metas[1:]
		dropped++
	}
	return Pair[T]{}, false, dropped
}

// Media takes remote media whose id is id (a stream's id, or a track's)
// in group (a track's stream id; "" for streams). It returns the pairing to
// deliver when a message waits for it: the first naming id, else the first
// naming group, else the oldest. When the group was announced already (most
// likely this is one of its own tracks, arriving late) only a message
// naming id will do, and without one the media is dropped. Otherwise media
// without a message is held for one naming it or its group (and dropped
// tells whether the oldest held media was pushed out).
func (p *Pairer[T]) Media(id, group string, item T) (pair Pair[T], ok bool, dropped bool) {
	announced := p.announced(group)
	i := slices.IndexFunc(p.metas, func(m wire.MediaMeta) bool { return id != "" && metaID(m) == id })
	if i < 0 && group != "" && !announced {
		i = slices.IndexFunc(p.metas, func(m wire.MediaMeta) bool { return m.StreamID == group })
	}
	if i < 0 && !announced && len(p.metas) > 0 {
		i = 0
	}
	if i >= 0 {
		m := p.metas[i]
		p.metas = append(p.metas[:i], p.metas[i+1:]...)
		p.metaBytes -= metaSize(m)
		return p.deliver(m, id, item), true, false
	}
	if announced {
		return Pair[T]{}, false, false // a stream's own track: nothing will name it
	}
	p.held = append(p.held, entry[T]{id: id, group: group, item: item})
	if len(p.held) > p.lim.Held {
		p.held = p.held[1:]
		dropped = true
	}
	return Pair[T]{}, false, dropped
}

func (p *Pairer[T]) announced(group string) bool {
	return group != "" && p.Announced != nil && p.Announced(group)
}

// Known reports whether media with this id was delivered.
func (p *Pairer[T]) Known(id string) bool {
	_, ok := p.byID.get(id)
	return ok
}

// Waiting returns how many messages and media wait for each other.
func (p *Pairer[T]) Waiting() (metas, held int) { return len(p.metas), len(p.held) }

// deliver remembers item under m's key, under its own id and under the id
// m names, and pairs it with m.
func (p *Pairer[T]) deliver(m wire.MediaMeta, own string, item T) Pair[T] {
	p.byKey.put(m.Key, item)
	for _, id := range []string{own, metaID(m)} {
		if id != "" {
			p.byID.put(id, item)
		}
	}
	return Pair[T]{Item: item, Meta: m.Meta}
}

// metaID is the id a queued message names: the track id if any, else the
// stream id. It is compared with the media's own id only to prefer one
// message to another.
func metaID(m wire.MediaMeta) string {
	if m.TrackID != "" {
		return m.TrackID
	}
	return m.StreamID
}

// metaSize is what a waiting message is counted at: its fields plus the
// JSON around them.
func metaSize(m wire.MediaMeta) int {
	return len(m.Key) + len(m.StreamID) + len(m.TrackID) + len(m.Meta) + 24
}

// bounded is a map that forgets its oldest key past max entries.
type bounded[T any] struct {
	max   int
	m     map[string]T
	order []string
}

func newBounded[T any](max int) bounded[T] {
	return bounded[T]{max: max, m: map[string]T{}}
}

func (b *bounded[T]) get(k string) (T, bool) {
	v, ok := b.m[k]
	return v, ok
}

func (b *bounded[T]) put(k string, v T) {
	if _, ok := b.m[k]; !ok {
		b.order = append(b.order, k)
	}
	b.m[k] = v
	for len(b.order) > b.max {
		delete(b.m, b.order[0])
		b.order = b.order[1:]
	}
}

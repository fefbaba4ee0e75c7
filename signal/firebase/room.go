package firebase

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/rtdb"
)

// presenceKey is the member of a peer's node that marks it present.
const presenceKey = "_"

// dbRoom is one room in one database: our presence node, the watch on the
// room and our mailboxes, and the signals we push to others.
type dbRoom struct {
	es      *engine.Session
	c       *rtdb.Client
	path    string // <rootPath>/<roomId>
	pushIDs *rtdb.PushIDs

	mu     sync.Mutex
	tree   rtdb.Tree       // the room, as last read
	synced bool            // the first read since the connection opened is applied
	known  map[string]bool // peer nodes in the room
	done   map[string]bool // consumed signals "<sender>/<pushId>" still in the tree
}

func newDBRoom(es *engine.Session, c *rtdb.Client, path string, ids *rtdb.PushIDs) *dbRoom {
	r := &dbRoom{es: es, c: c, path: path, pushIDs: ids, known: map[string]bool{}, done: map[string]bool{}}
	c.OnConnect(r.connected)
	c.OnError(func(err error) { es.RelayFailed(c.URL(), err) })
	es.OnReannounce(r.reoffer)
	return r
}

func (r *dbRoom) selfPath() string { return r.path + "/" + r.es.SelfID() }

// connected runs on every (re)connection: onDisconnect removal of our node,
// our node, then the watch on the room (protocol-0.18 §7.4 join steps 1–4;
// the onDisconnect goes first so that no crash leaves the node behind).
func (r *dbRoom) connected(ctx context.Context) {
	r.mu.Lock()
	r.tree, r.synced, r.known = rtdb.Tree{}, false, map[string]bool{}
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	err := r.c.OnDisconnectPut(ctx, r.selfPath(), nil)
	if err == nil {
		err = r.c.Put(ctx, r.selfPath(), map[string]any{presenceKey: true})
	}
	if err == nil {
		err = r.c.Listen(ctx, r.path, r.update)
	}
	if err != nil {
		if r.es.Stopped() {
			return
		}
		r.es.Log().Warn("cannot join the room in the database", "database", r.c.URL(), "err", err)
		r.es.RelayFailed(r.c.URL(), err)
		return
	}
	r.es.Joined()
}

// signal is one signal found in our mailboxes.
type signal struct {
	from, key string
	val       any
}

// update applies a change of the room: new peers get an offer, new
// signals in our mailboxes go to the session and are deleted.
func (r *dbRoom) update(e rtdb.Event) {
	if r.es.Stopped() {
		return
	}
	self := r.es.SelfID()
	r.mu.Lock()
	if err := r.tree.Apply(e); err != nil {
		r.mu.Unlock()
		r.es.Log().Warn("dropping unreadable database update", "database", r.c.URL(), "err", err)
		return
	}
	first := !r.synced
	r.synced = true
	peers := present(r.tree.Children())
	var fresh []string
	for id := range peers {
		if id != self && !r.known[id] {
			r.known[id] = true
			fresh = append(fresh, id)
		}
	}
	for id := range r.known {
		if !peers[id] {
			delete(r.known, id)
		}
	}
	sigs := r.newSignalsLocked(self)
	r.mu.Unlock()

	for _, sg := range sigs {
		r.consume(sg)
	}
	slices.Sort(fresh)
	for _, id := range fresh {
		if !engine.ValidID(id) {
			continue
		}
		if first {
			// in the room before us: it offers to us (0.18's rule), unless
			// it read the room at the same instant (see the package doc)
			time.AfterFunc(SilentPeerDelay, func() { r.offerIfPresent(id) })
			continue
		}
		r.offer(id)
	}
}

// newSignalsLocked returns the signals in our mailboxes not seen before, by
// sender and push id (chronological), and forgets the consumed ones that
// are gone.
func (r *dbRoom) newSignalsLocked(self string) []signal {
	boxes := r.tree.Children(self)
	var out []signal
	for from, v := range boxes {
		box, ok := v.(map[string]any)
		if from == presenceKey || !ok {
			continue
		}
		for key, val := range box {
			if k := from + "/" + key; !r.done[k] {
				r.done[k] = true
				out = append(out, signal{from, key, val})
			}
		}
	}
	for k := range r.done {
		from, key, _ := strings.Cut(k, "/")
		if box, _ := boxes[from].(map[string]any); box == nil || box[key] == nil {
			delete(r.done, k)
		}
	}
	slices.SortFunc(out, func(a, b signal) int {
		if c := strings.Compare(a.from, b.from); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	return out
}

// consume hands one signal to the session and deletes it.
func (r *dbRoom) consume(sg signal) {
	path := r.selfPath() + "/" + sg.from + "/" + sg.key
	if err := r.c.PutNoWait(r.es.Context(), path, nil); err != nil {
		r.es.Log().Debug("cannot delete consumed signal", "database", r.c.URL(), "err", err)
	}
	s, ok := sg.val.(string)
	switch {
	case !engine.ValidID(sg.from):
		r.es.Log().Warn("dropping signal from an invalid peer id", "database", r.c.URL())
	case !ok:
		r.es.Log().Warn("dropping signal that is not a string", "peer", sg.from, "database", r.c.URL())
	default:
		r.es.Signal(sg.from, s, r.sender(sg.from), nil)
	}
}

func (r *dbRoom) offer(id string) {
	if r.es.Offer(id, r.sender(id), nil) != nil {
		r.es.Log().Debug("offering to peer", "peer", id, "database", r.c.URL())
	}
}

// offerIfPresent offers to id if its node is still in the room.
func (r *dbRoom) offerIfPresent(id string) {
	r.mu.Lock()
	present := r.known[id]
	r.mu.Unlock()
	r.es.Log().Debug("a peer from our first read of the room may not offer; offering unless it did", "peer", id, "present", present)
	if present && !r.es.Stopped() {
		r.offer(id)
	}
}

// reoffer offers to every peer present in the room: the engine calls it
// while a peer that became unreachable (network lost) has not come back.
// Presence nodes outlive such a loss, so no new node announces anyone; the
// engine's Offer skips peers we are connected to or already trying, and
// the glare rule settles offers that cross.
func (r *dbRoom) reoffer() {
	r.mu.Lock()
	ids := make([]string, 0, len(r.known))
	for id := range r.known {
		ids = append(ids, id)
	}
	r.mu.Unlock()
	slices.Sort(ids)
	for _, id := range ids {
		if engine.ValidID(id) && !r.es.Stopped() {
			r.offer(id)
		}
	}
}

// sender pushes our signals into remote's mailbox for us, each removed by
// the server if our connection drops (§7.4 "Sending").
func (r *dbRoom) sender(remote string) func(string) error {
	return func(sealed string) error {
		path := r.path + "/" + remote + "/" + r.es.SelfID() + "/" + r.pushIDs.Next()
		ctx, cancel := context.WithTimeout(r.es.Context(), writeTimeout)
		defer cancel()
		if err := r.c.OnDisconnectPut(ctx, path, nil); err != nil {
			return err
		}
		return r.c.Put(ctx, path, sealed)
	}
}

// leave removes our node and closes the connection (§7.4 "Leave").
func (r *dbRoom) leave() {
	if r.c.State() == posthorn.RelayOpen {
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		if err := r.c.Put(ctx, r.selfPath(), nil); err != nil {
			r.es.Log().Debug("cannot remove our node", "database", r.c.URL(), "err", err)
		}
		cancel()
	}
	r.c.Close()
}

// present returns the ids of the room's nodes that mark a peer present
// (their "_" member is set). A node with mailboxes only is a departed
// peer's, recreated by signals written to it late: Trystero 0.18 treats it
// as a newcomer and offers to it; posthorn ignores it.
func present(room map[string]any) map[string]bool {
	out := make(map[string]bool, len(room))
	for id, v := range room {
		if n, ok := v.(map[string]any); ok && n[presenceKey] != nil {
			out[id] = true
		}
	}
	return out
}

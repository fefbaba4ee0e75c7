package mqttbroker

import (
	"sync"
	"sync/atomic"
	"unsafe"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
	"github.com/mochi-mqtt/server/v2/system"
)

// delivery is one PUBLISH waiting for one client. What it refers to is
// shared by every client it goes to: for MQTT 3.1 and 3.1.1 clients the
// encoded packet, identical for all of them; for MQTT 5 clients the packet,
// which mochi encodes per client (properties, subscription identifiers).
type delivery struct {
	encoded []byte
	pk      *packets.Packet
	subIDs  []int // MQTT 5 subscription identifiers
	retain  bool
	charged int
}

// entryBytes is what a delivery costs besides the bytes of its topic and
// payload: the delivery itself, and a shared packet counted in full.
const entryBytes = int(unsafe.Sizeof(delivery{}) + unsafe.Sizeof(packets.Packet{}))

// cost is what d is charged against a client's queue: everything it refers
// to, as if it were not shared.
func (d *delivery) cost() int {
	if d.encoded != nil {
		return entryBytes + len(d.encoded)
	}
	return entryBytes + len(d.pk.TopicName) + len(d.pk.Payload)
}

// outQueue holds the publishes waiting to be written to one client, at most
// max bytes of them, the one being written included. A goroutine writes
// them while there are any, and exits when the queue is empty: an idle
// client costs no goroutine here.
type outQueue struct {
	cl   *mqtt.Client
	info *system.Info // the broker's counters, which WritePacket keeps
	max  int

	mu      sync.Mutex
	pending []delivery
	bytes   int
	writing bool
	closed  bool
}

// pushResult says what became of a delivery.
type pushResult int

const (
	queued pushResult = iota
	full              // over the byte cap: dropped
	gone              // the client is closed or failed a write: dropped
)

func newOutQueue(cl *mqtt.Client, info *system.Info, max int) *outQueue {
	return &outQueue{cl: cl, info: info, max: max}
}

// push queues d, or drops it if the client's queue is full or closed.
func (q *outQueue) push(d delivery) pushResult {
	d.charged = d.cost()
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.closed:
		return gone
	case q.bytes+d.charged > q.max:
		return full
	}
	q.pending = append(q.pending, d)
	q.bytes += d.charged
	if !q.writing {
		q.writing = true
		go q.write()
	}
	return queued
}

// write writes the queued deliveries in order until none is left or a
// write fails (mochi then ends the client).
func (q *outQueue) write() {
	for {
		q.mu.Lock()
		if len(q.pending) == 0 || q.closed {
			q.writing = false
			q.mu.Unlock()
			return
		}
		d := q.pending[0]
		q.pending[0] = delivery{}
		q.pending = q.pending[1:]
		if len(q.pending) == 0 {
			q.pending = nil // let the backing array go
		}
		q.mu.Unlock()

		var err error
		if d.encoded != nil {
			err = q.writeEncoded(d.encoded)
		} else {
			out := *d.pk
			out.FixedHeader.Retain = d.retain
			out.Properties.SubscriptionIdentifier = d.subIDs
			err = q.cl.WritePacket(out)
		}

		q.mu.Lock()
		q.bytes -= d.charged
		q.mu.Unlock()
		if err != nil {
			q.close()
		}
	}
}

// writeEncoded writes an encoded packet as WritePacket does once it has
// encoded one: under the client's lock, counted in the broker's totals.
func (q *outQueue) writeEncoded(b []byte) error {
	if q.cl.Closed() {
		return mqtt.ErrConnectionClosed
	}
	q.cl.Lock()
	n, err := q.cl.Net.Conn.Write(b)
	q.cl.Unlock()
	if err != nil {
		return err
	}
	atomic.AddInt64(&q.info.BytesSent, int64(n))
	atomic.AddInt64(&q.info.PacketsSent, 1)
	atomic.AddInt64(&q.info.MessagesSent, 1)
	return nil
}

// close drops what is queued and refuses further deliveries.
func (q *outQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	for _, d := range q.pending {
		q.bytes -= d.charged
	}
	q.pending = nil
}

package mqttbroker

import (
	"sync"
	"unsafe"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// delivery is one PUBLISH waiting for one client. The packet is shared by
// every client it goes to; only what differs per subscription is here.
type delivery struct {
	pk      *packets.Packet
	subIDs  []int // MQTT 5 subscription identifiers
	retain  bool
	charged int
}

// entryBytes is what a delivery costs besides its packet's topic and
// payload: the delivery itself, and the shared packet counted in full.
const entryBytes = int(unsafe.Sizeof(delivery{}) + unsafe.Sizeof(packets.Packet{}))

// cost is what a delivery of pk is charged against a client's queue.
func cost(pk *packets.Packet) int { return entryBytes + len(pk.TopicName) + len(pk.Payload) }

// outQueue holds the publishes waiting to be written to one client, at most
// max bytes of them, the one being written included. A goroutine writes
// them while there are any, and exits when the queue is empty: an idle
// client costs no goroutine here.
type outQueue struct {
	cl  *mqtt.Client
	max int

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

func newOutQueue(cl *mqtt.Client, max int) *outQueue { return &outQueue{cl: cl, max: max} }

// push queues d, or drops it if the client's queue is full or closed.
func (q *outQueue) push(d delivery) pushResult {
	d.charged = cost(d.pk)
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

		out := *d.pk
		out.FixedHeader.Retain = d.retain
		out.Properties.SubscriptionIdentifier = d.subIDs
		err := q.cl.WritePacket(out)

		q.mu.Lock()
		q.bytes -= d.charged
		q.mu.Unlock()
		if err != nil {
			q.close()
		}
	}
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

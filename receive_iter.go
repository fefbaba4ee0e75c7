package posthorn

import (
	"context"
	"iter"
)

// Messages returns the action's messages with their senders' ids as they
// arrive, for a range loop, until ctx ends or the room is left. While the
// loop runs it is the action's OnReceive callback (and OnReceive(nil) when
// it ends). A message waits in its sender's data path until the loop takes
// it, so a slow loop slows that peer down rather than buffering its data.
func (a *Action) Messages(ctx context.Context) iter.Seq2[Message, string] {
	return func(yield func(Message, string) bool) {
		type item struct {
			m    Message
			from string
		}
		next := make(chan item)
		stop := make(chan struct{})
		defer close(stop)
		a.OnReceive(func(m Message, from string) {
			select {
			case next <- item{m, from}:
			case <-stop:
			}
		})
		defer a.OnReceive(nil)
		for {
			select {
			case it := <-next:
				if !yield(it.m, it.from) {
					return
				}
			case <-ctx.Done():
				return
			case <-a.r.done:
				return
			}
		}
	}
}

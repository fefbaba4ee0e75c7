//go:build js && wasm

package jsapi

import (
	"context"
	"encoding/json"
	"syscall/js"

	"github.com/posthorn/posthorn/media"

	"github.com/posthorn/posthorn"
)

// installMedia adds the room's media methods to o (seed README, "API"):
// addStream, removeStream, addTrack, removeTrack and replaceTrack, each
// with optional targets, the adders with optional metadata. Like room.js
// the adders return an array of Promises (one per target peer), the
// removers an array of undefined.
func (jr *jsRoom) installMedia(o js.Value) {
	o.Set("addStream", wrapThrowing(funcOf(func(_ js.Value, args []js.Value) (any, error) {
		stream, targets, meta := arg(args, 0), targetIDs(arg(args, 1)), arg(args, 2)
		return jr.mediaOp(targets, func(r *posthorn.Room) error {
			m, err := mediaMeta(meta)
			if err != nil {
				return err
			}
			return r.AddStream(context.Background(), wrapStream(stream), targets, m)
		}, true), nil
	})))
	o.Set("removeStream", wrapThrowing(funcOf(func(_ js.Value, args []js.Value) (any, error) {
		stream, targets := arg(args, 0), targetIDs(arg(args, 1))
		return jr.mediaOp(targets, func(r *posthorn.Room) error {
			return r.RemoveStream(context.Background(), wrapStream(stream), targets)
		}, false), nil
	})))
	o.Set("addTrack", wrapThrowing(funcOf(func(_ js.Value, args []js.Value) (any, error) {
		track, stream, targets, meta := arg(args, 0), arg(args, 1), targetIDs(arg(args, 2)), arg(args, 3)
		return jr.mediaOp(targets, func(r *posthorn.Room) error {
			m, err := mediaMeta(meta)
			if err != nil {
				return err
			}
			return r.AddTrack(context.Background(), wrapTrack(track), wrapStream(stream), targets, m)
		}, true), nil
	})))
	o.Set("removeTrack", wrapThrowing(funcOf(func(_ js.Value, args []js.Value) (any, error) {
		track, stream, targets := arg(args, 0), arg(args, 1), targetIDs(arg(args, 2))
		return jr.mediaOp(targets, func(r *posthorn.Room) error {
			return r.RemoveTrack(context.Background(), wrapTrack(track), wrapStream(stream), targets)
		}, false), nil
	})))
	o.Set("replaceTrack", wrapThrowing(funcOf(func(_ js.Value, args []js.Value) (any, error) {
		old, repl, stream, targets, meta := arg(args, 0), arg(args, 1), arg(args, 2), targetIDs(arg(args, 3)), arg(args, 4)
		return jr.mediaOp(targets, func(r *posthorn.Room) error {
			m, err := mediaMeta(meta)
			if err != nil {
				return err
			}
			return r.ReplaceTrack(context.Background(), wrapTrack(old), wrapTrack(repl), wrapStream(stream), targets, m)
		}, true), nil
	})))
}

// mediaOp runs op on a goroutine once the room is joined. For the adders
// it returns [promise × targets] (all the same Promise: the Go room serves
// the targets together), for the removers [undefined × targets].
func (jr *jsRoom) mediaOp(targets []string, op func(*posthorn.Room) error, promised bool) js.Value {
	n := 0
	if r := jr.joined(); r != nil {
		n = peerCount(r, targets)
	}
	p := newPromise(func() (any, error) {
		r, err := jr.room()
		if err != nil {
			return nil, err
		}
		return nil, op(r)
	})
	if !promised {
		// The removers return nothing to wait on; report failures.
		p.Call("catch", js.FuncOf(func(_ js.Value, args []js.Value) any {
			js.Global().Get("console").Call("warn", "posthorn:", arg(args, 0))
			return nil
		}))
		return undefinedArray(n)
	}
	return jsArray.New(n).Call("fill", p)
}

// mediaMeta converts stream/track metadata: any JSON value, or nil when
// falsy (room.js sends it only `if (meta)`, protocol-0.18 §4.6).
func mediaMeta(meta js.Value) (any, error) {
	if !meta.Truthy() {
		return nil, nil // untyped nil: no metadata
	}
	s := jsJSON.Call("stringify", meta)
	if s.Type() != js.TypeString {
		return nil, errNotJSON
	}
	return json.RawMessage(s.String()), nil
}

// The bridge between JS media objects and package peer's js twin.
func wrapStream(v js.Value) *media.Stream { return media.WrapStream(v) }
func wrapTrack(v js.Value) *media.Track   { return media.WrapTrack(v) }

func streamValue(s *media.Stream) js.Value {
	if s == nil {
		return js.Undefined()
	}
	return s.JSValue()
}

func trackValue(t *media.Track) js.Value {
	if t == nil {
		return js.Undefined()
	}
	return t.JSValue()
}

//go:build js && wasm

package jsapi

import (
	"context"
	"encoding/json"
	"syscall/js"

	"github.com/posthorn/posthorn"
)

// installMedia025 adds 0.25's media methods to o (@trystero-p2p/core
// Room): addStream(stream, {target, metadata}), addTrack(track, stream,
// {target, metadata}) and replaceTrack(oldTrack, newTrack, {target,
// metadata}) return an array of Promises, one per target peer;
// removeStream(stream, {target}) and removeTrack(track, {target}) return
// undefined. removeTrack and replaceTrack act on the track in whatever
// stream it was sent. The Go room sends the @_stream/@_track message before
// each addition (protocol-0.25 §10).
func (jr *jsRoom) installMedia025(o js.Value) {
	o.Set("addStream", wrapThrowing(funcOf(func(_ js.Value, args []js.Value) (any, error) {
		stream, opts := arg(args, 0), arg(args, 1)
		targets := targetIDs(option(opts, "target"))
		return jr.mediaOp(targets, func(r *posthorn.Room) error {
			m, err := mediaMeta025(option(opts, "metadata"))
			if err != nil {
				return err
			}
			return r.AddStream(context.Background(), wrapStream(stream), targets, m)
		}, true), nil
	})))
	o.Set("removeStream", wrapThrowing(funcOf(func(_ js.Value, args []js.Value) (any, error) {
		stream, targets := arg(args, 0), targetIDs(option(arg(args, 1), "target"))
		jr.mediaOp(targets, func(r *posthorn.Room) error {
			return r.RemoveStream(context.Background(), wrapStream(stream), targets)
		}, false)
		return js.Undefined(), nil
	})))
	o.Set("addTrack", wrapThrowing(funcOf(func(_ js.Value, args []js.Value) (any, error) {
		track, stream, opts := arg(args, 0), arg(args, 1), arg(args, 2)
		targets := targetIDs(option(opts, "target"))
		return jr.mediaOp(targets, func(r *posthorn.Room) error {
			m, err := mediaMeta025(option(opts, "metadata"))
			if err != nil {
				return err
			}
			return r.AddTrack(context.Background(), wrapTrack(track), wrapStream(stream), targets, m)
		}, true), nil
	})))
	o.Set("removeTrack", wrapThrowing(funcOf(func(_ js.Value, args []js.Value) (any, error) {
		track, targets := arg(args, 0), targetIDs(option(arg(args, 1), "target"))
		jr.mediaOp(targets, func(r *posthorn.Room) error {
			return r.RemoveTrack(context.Background(), wrapTrack(track), nil, targets)
		}, false)
		return js.Undefined(), nil
	})))
	o.Set("replaceTrack", wrapThrowing(funcOf(func(_ js.Value, args []js.Value) (any, error) {
		old, repl, opts := arg(args, 0), arg(args, 1), arg(args, 2)
		targets := targetIDs(option(opts, "target"))
		return jr.mediaOp(targets, func(r *posthorn.Room) error {
			m, err := mediaMeta025(option(opts, "metadata"))
			if err != nil {
				return err
			}
			return r.ReplaceTrack(context.Background(), wrapTrack(old), wrapTrack(repl), nil, targets, m)
		}, true), nil
	})))
}

// mediaMeta025 converts 0.25's media metadata: any JSON value, null and
// false included; undefined means none (media.ts sends m only when
// metadata !== undefined).
func mediaMeta025(meta js.Value) (any, error) {
	if meta.IsUndefined() {
		return nil, nil // untyped nil: no metadata
	}
	s := jsJSON.Call("stringify", meta)
	if s.Type() != js.TypeString {
		return nil, errNotJSON
	}
	return json.RawMessage(s.String()), nil
}

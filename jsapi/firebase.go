//go:build js && wasm

package jsapi

import (
	"context"
	"syscall/js"

	"github.com/posthorn/posthorn"
)

// occupier is a strategy with Trystero's getOccupants (firebase).
type occupier interface {
	GetOccupants(ctx context.Context, cfg posthorn.Config, roomID string) ([]string, error)
}

// firebaseConfig reads trystero/firebase's options into cfg: rootPath, and
// firebaseApp, an initialised Firebase JS app whose options.databaseURL
// is the database when appId is not given (firebase.js's init). posthorn
// speaks to that database itself (signal/firebase); the app's SDK
// connection and its signed-in user are not used.
func firebaseConfig(c js.Value, cfg *posthorn.Config) {
	if v := option(c, "rootPath"); v.Truthy() {
		cfg.RootPath = jsString.Invoke(v).String()
	}
	app := option(c, "firebaseApp")
	if !app.Truthy() || app.Type() != js.TypeObject {
		return
	}
	if opts := option(app, "options"); opts.Type() == js.TypeObject {
		if u := option(opts, "databaseURL"); u.Truthy() {
			cfg.AppID = jsString.Invoke(u).String() // firebase.js prefers the app's URL
		}
	}
}

// getOccupants is the exported getOccupants(config, namespace): a Promise
// of the ids of the peers in the room (firebase.js's one read of the room).
func (m *module) getOccupants(_ js.Value, args []js.Value) any {
	o, ok := m.s.(occupier)
	if !ok {
		return rejected(errNoConfig)
	}
	cfg, err := convertConfig(arg(args, 0), m.name)
	if err != nil {
		return rejected(err)
	}
	ns := ""
	if v := arg(args, 1); v.Truthy() {
		ns = jsString.Invoke(v).String()
	}
	return newPromise(func() (any, error) {
		ids, err := o.GetOccupants(context.Background(), cfg, ns)
		if err != nil {
			return nil, err
		}
		out := jsArray.New()
		for _, id := range ids {
			out.Call("push", id)
		}
		return out, nil
	})
}

//go:build js && wasm

package jsapi

import (
	"syscall/js"

	"github.com/posthorn/posthorn"
)

// ipfsConfig reads trystero/ipfs's libp2pConfig into cfg.RelayURLs: the
// service nodes a page names as bootstrap peers, which is how Trystero
// 0.18 pages leave the public fleet (libp2pConfig: {peerDiscovery:
// [bootstrap({list: [multiaddr, ...]})]}). posthorn has no js-libp2p, so
// of each peerDiscovery entry it only reads the list: an entry is a
// factory (@libp2p/bootstrap's bootstrap(init)), called with no
// components, whose result's list holds {multiaddrs}; an entry that is
// not such a factory is skipped. The rest of libp2pConfig (transports,
// connectionGater, ...) has no meaning here. relayUrls, read as for every
// strategy, may name service nodes too.
func ipfsConfig(c js.Value, cfg *posthorn.Config) {
	lc := option(c, "libp2pConfig")
	if lc.Type() != js.TypeObject {
		return
	}
	pd := option(lc, "peerDiscovery")
	if !jsArray.Call("isArray", pd).Bool() {
		return
	}
	for i := range pd.Length() {
		cfg.RelayURLs = append(cfg.RelayURLs, bootstrapList(pd.Index(i))...)
	}
}

// bootstrapList returns the multiaddrs of a bootstrap discovery factory.
func bootstrapList(f js.Value) []string {
	if f.Type() != js.TypeFunction {
		return nil
	}
	v, err := protect(func() (any, error) { return f.Invoke(jsObject.New()), nil })
	if err != nil {
		return nil
	}
	list := option(v.(js.Value), "list")
	if !jsArray.Call("isArray", list).Bool() {
		return nil
	}
	var out []string
	for i := range list.Length() {
		mas := option(list.Index(i), "multiaddrs")
		if !jsArray.Call("isArray", mas).Bool() {
			continue
		}
		for j := range mas.Length() {
			out = append(out, jsString.Invoke(mas.Index(j)).String())
		}
	}
	return out
}

//go:build !js

package main

import (
	"fmt"
	"strings"
)

// helpText is posthorn help: what each command does, with examples in
// the spirit of the README's.
func helpText() string {
	var b strings.Builder
	b.WriteString(`posthorn joins Trystero rooms from the command line: peers meet through
public signalling relays (WebTorrent trackers, Nostr relays, MQTT brokers)
and talk directly over WebRTC, with browsers running Trystero 0.18 or
posthorn's wasm build, and with other posthorn commands.

usage: posthorn COMMAND [flags] ARGS

commands:
`)
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-8s %-14s %s\n", c.name, c.usage, c.short)
	}
	b.WriteString(`
Chat with the demo page's tabs (its appId is the default --app):

  posthorn chat lobby

Send files to whoever is in a room, and receive them elsewhere; the files
keep their names, and are saved only once their checksum matches:

  posthorn receive --password secret drop ~/Downloads
  posthorn send --password secret drop photo.jpg notes.txt

Compose shell tools across machines:

  tar c src | posthorn pipe --raw backup tarball
  posthorn pipe --raw --stay backup tarball > src.tar

See who is there:

  posthorn peers --json lobby

Flags shared by every command (see posthorn help COMMAND):

  --strategy torrent|mqtt|nostr|firebase|ipfs
                                  how peers find each other (default torrent;
                                  firebase: --relay is the database URL;
                                  ipfs: --relay is a Waku node's multiaddr)
  --app ID                        application id (Trystero's appId)
  --password PW                   encrypt the signalling (Trystero's password)
  --relay URL                     relay to use, repeatable (Trystero's relayUrls)
  --redundancy N                  how many default relays (relayRedundancy)
  --ice URL                       STUN/TURN server, repeatable (rtcConfig's iceServers)
  --turn-user, --turn-password    TURN credentials for the turn: servers
  --json                          JSON lines on stdout, for scripts

Ctrl-C leaves the room at once, so the others see you go.
`)
	return b.String()
}

// Package relays is which relays a Trystero 0.25 room uses by default: the
// default lists of the 0.25.4 strategy packages, their redundancy, and the
// nostr strategy's shuffle seeded by the appId (protocol-0.25 §11.1–§11.3),
// which needs V8's exact Math.sin (§14.9).
package relays

import (
	"math"

	"github.com/posthorn/posthorn/internal/v025/topic"
)

// Strategy is one strategy's defaults.
type Strategy struct {
	// URLs is the default relay list, in the package's order.
	URLs []string
	// Redundancy is how many of them a room uses.
	Redundancy int
	// Shuffle says the list is shuffled with the appId as seed before the
	// first Redundancy are taken (nostr).
	Shuffle bool
}

// The defaults of @trystero-p2p/{torrent,nostr,mqtt}@0.25.4 (defaultRelayUrls
// and defaultRedundancy in each package).
var (
	Torrent = Strategy{Redundancy: 3, URLs: []string{
		"wss://open.ftorrent.com",
		"wss://tracker.webtorrent.dev",
		"wss://tracker.openwebtorrent.com",
		"wss://tracker.btorrent.xyz",
		"wss://tracker.files.fm:7073/announce",
	}}
	Nostr = Strategy{Redundancy: 5, Shuffle: true, URLs: []string{
		"wss://basspistol.org",
		"wss://bucket.coracle.social",
		"wss://chorus.pjv.me",
		"wss://koru.bitcointxoko.org",
		"wss://nos.lol",
		"wss://nostr-01.uid.ovh",
		"wss://nostr-01.yakihonne.com",
		"wss://nostr-relay.corb.net",
		"wss://nostr.data.haus",
		"wss://nostr.islandarea.net",
		"wss://nostr.sathoarder.com",
		"wss://nostr.tegila.com.br",
		"wss://nostr.vulpem.com",
		"wss://purplerelay.com",
		"wss://relay-can.zombi.cloudrodion.com",
		"wss://relay-rpi.edufeed.org",
		"wss://relay.agorist.space",
		"wss://relay.artio.inf.unibe.ch",
		"wss://relay.mostr.pub",
		"wss://relay.mostro.network",
		"wss://relay.sigit.io",
		"wss://relay02.lnfi.network",
		"wss://schnorr.me",
		"wss://social.amanah.eblessing.co",
		"wss://staging.yabu.me",
		"wss://strfry.shock.network",
		"wss://top.testrelay.top",
		"wss://yabu.me/v2",
	}}
	MQTT = Strategy{Redundancy: 4, URLs: []string{
		"wss://test.mosquitto.org:8081/mqtt",
		"wss://broker.emqx.io:8084/mqtt",
		"wss://public:public@public.cloud.shiftr.io",
		"wss://broker-cn.emqx.io:8084/mqtt",
		"wss://broker.hivemq.com:8884/mqtt",
	}}
)

// Pick returns the relays a room of appID uses: redundancy of them (0 means
// s.Redundancy), from the list shuffled first if s.Shuffle, as Trystero's
// getRelays. The result is a new slice.
func (s Strategy) Pick(appID string, redundancy int) []string {
	if redundancy <= 0 {
		redundancy = s.Redundancy
	}
	list := s.URLs
	if s.Shuffle {
		list = Shuffle(list, topic.StrToNum(appID))
	}
	return append([]string(nil), list[:min(redundancy, len(list))]...)
}

// Shuffle is Trystero's seeded Fisher–Yates shuffle: each random number is
// frac(sin(seed++) × 10000), sin being V8's Math.sin. It returns a new slice.
func Shuffle[T any](xs []T, seed int) []T {
	a := append([]T(nil), xs...)
	rand := func() float64 {
		x := v8Sin(float64(seed)) * 10000
		seed++
		return x - math.Floor(x)
	}
	for i := len(a); i > 0; {
		j := int(math.Floor(rand() * float64(i)))
		i--
		a[i], a[j] = a[j], a[i]
	}
	return a
}

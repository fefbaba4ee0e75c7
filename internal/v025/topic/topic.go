// Package topic derives the rendezvous names of a Trystero 0.25 room
// (protocol-0.25 §4): the root, self and peer topics, the torrent info_hash,
// the nostr event kind of a topic, the Waku content and pubsub topics and the
// Supabase channel name.
package topic

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf16"
)

// libName is Trystero's name as it enters the topic plaintext, with its
// capital T (protocol-0.25 §14.2).
const libName = "Trystero"

// Sha1B36 is Trystero 0.25's topic hash: SHA-1 of the UTF-8 bytes of s,
// each of the 20 digest bytes written in base36 without padding,
// concatenated and not truncated (protocol-0.25 §4).
func Sha1B36(s string) string {
	sum := sha1.Sum([]byte(s))
	var b strings.Builder
	b.Grow(2 * len(sum))
	for _, c := range sum {
		b.WriteString(strconv.FormatUint(uint64(c), 36))
	}
	return b.String()
}

// Room holds the names of one (appId, roomId) pair.
type Room struct {
	// Path is the topic plaintext "Trystero@<appId>@<roomId>".
	Path string
	// Root is the room's root topic, sha1b36(Path): where announcements go.
	Root string
}

// ForRoom derives the names of roomID in appID (protocol-0.25 §4).
func ForRoom(appID, roomID string) Room {
	p := libName + "@" + appID + "@" + roomID
	return Room{Path: p, Root: Sha1B36(p)}
}

// Peer is the topic where peer id is reached in this room: its self topic
// when id is our own, the peer topic of X otherwise (protocol-0.25 §4).
func (r Room) Peer(id string) string { return Sha1B36(r.Path + "@" + id) }

// InfoHash is the torrent info_hash of the room: the first 20 characters of
// sha1b36(Root), the topic hashed a second time (protocol-0.25 §4, §11.1).
func (r Room) InfoHash() string {
	h := Sha1B36(r.Root)
	return h[:min(20, len(h))]
}

// NostrKind is the nostr event kind of topic t: 20000 plus the sum of its
// UTF-16 code units modulo 10000 (protocol-0.25 §4, §11.2).
func NostrKind(t string) int { return 20000 + StrToNum(t)%10000 }

// StrToNum is Trystero's strToNum: the sum of the UTF-16 code units of s
// (protocol-0.25 §11.2; it seeds the nostr relay shuffle with the appId).
// An invalid UTF-8 byte counts as U+FFFD, as JS's TextDecoder would read it.
func StrToNum(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			n += int(r1) + int(r2)
			continue
		}
		n += int(r)
	}
	return n
}

// ContentTopic is the Waku content topic of topic t (protocol-0.25 §4,
// §11.5).
func ContentTopic(t string) string { return "/trystero-" + t + "/0/msg/json" }

// wakuShards is the shard count of Waku's autosharding on cluster 1.
const wakuShards = 8

// PubsubTopic is the Waku pubsub topic autosharding picks for topic t on
// cluster 1: shard = big-endian u64 of the last 8 bytes of
// SHA-256("trystero-" + t + "0"), mod 8 (protocol-0.25 §4).
func PubsubTopic(t string) string {
	sum := sha256.Sum256([]byte("trystero-" + t + "0"))
	shard := binary.BigEndian.Uint64(sum[len(sum)-8:]) % wakuShards
	return "/waku/2/rs/1/" + strconv.FormatUint(shard, 10)
}

// SupabaseChannel is the Supabase Realtime channel of topic t
// (protocol-0.25 §4, §11.6).
func SupabaseChannel(t string) string { return "room:" + t + ":messages" }

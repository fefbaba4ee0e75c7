package torrent

import (
	"crypto/sha1"
	"strconv"
	"strings"
)

const (
	// libName prefixes the info_hash input, Trystero's libName (protocol-0.18 §7.1).
	libName = "Trystero"
	// hashLimit is the length of info_hash, peer_id and offer_id: trackers
	// require 20-character strings (protocol-0.18 §2, §7.1).
	hashLimit = 20
)

// infoHashOf derives a room's tracker info_hash (protocol-0.18 §7.1):
// SHA-1("Trystero:" + appID + ":" + roomID), every digest byte written in
// unpadded lowercase base36, concatenated and cut to 20 characters.
func infoHashOf(appID, roomID string) string {
	sum := sha1.Sum([]byte(libName + ":" + appID + ":" + roomID))
	var b strings.Builder
	for _, x := range sum {
		b.WriteString(strconv.FormatUint(uint64(x), 36))
	}
	return b.String()[:hashLimit]
}

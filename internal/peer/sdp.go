package peer

import (
	"strings"
)

// trickleOption is the line simple-peer deletes when trickle is off.
const trickleOption = "a=ice-options:trickle"

// filterTrickle deletes every "a=ice-options:trickle" followed by one
// whitespace character and a newline, like simple-peer's
// /a=ice-options:trickle\s\n/g (protocol-0.18 §4.3). With CRLF line ends the
// whitespace character is the CR.
func filterTrickle(sdp string) string {
	if !strings.Contains(sdp, trickleOption) {
		return sdp
	}
	var b strings.Builder
	for {
		i := strings.Index(sdp, trickleOption)
		if i < 0 {
			break
		}
		rest := sdp[i+len(trickleOption):]
		if len(rest) >= 2 && isJSSpace(rest[0]) && rest[1] == '\n' {
			b.WriteString(sdp[:i])
			sdp = rest[2:]
			continue
		}
		b.WriteString(sdp[:i+len(trickleOption)])
		sdp = rest
	}
	b.WriteString(sdp)
	return b.String()
}

// isJSSpace reports whether c is an ASCII character matched by JavaScript's \s.
func isJSSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// candidateAddress returns the connection address of an "a=candidate" value
// ("candidate:foundation component protocol priority address port typ ...").
// simple-peer only warns (does not destroy) when such a candidate without an
// address or with a .local address fails to add (protocol-0.18 §4.4).
func candidateAddress(candidate string) string {
	f := strings.Fields(strings.TrimPrefix(candidate, "a="))
	if len(f) < 5 {
		return ""
	}
	return f[4]
}

// Package jstext decodes bytes to text exactly as a browser's TextDecoder does,
// so that Go peers see the same strings as the JS peers they talk to.
package jstext

import (
	"unicode/utf8"
)

// BOM is dropped from the front of decoded text: TextDecoder's default
// (ignoreBOM false) strips it (WHATWG Encoding, "decode").
const BOM = "\xEF\xBB\xBF"

// StripBOM removes one leading UTF-8 byte order mark.
func StripBOM(b []byte) []byte {
	if len(b) >= 3 && string(b[:3]) == BOM {
		return b[3:]
	}
	return b
}

// Decode decodes b the way the JS side's `new TextDecoder().decode(b)`
// does (utils.js decodeBytes): a leading BOM is removed and every maximal
// subpart of an ill-formed UTF-8 sequence becomes one U+FFFD (WHATWG Encoding,
// UTF-8 decoder). For valid UTF-8 without a BOM it is string(b).
func Decode(b []byte) string {
	b = StripBOM(b)
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	var (
		cp           rune
		needed, seen int
		lower, upper byte = 0x80, 0xBF
	)
	for i := 0; i < len(b); {
		c := b[i]
		if needed == 0 {
			i++
			switch {
			case c <= 0x7F:
				out = append(out, c)
			case c >= 0xC2 && c <= 0xDF:
				needed, cp = 1, rune(c&0x1F)
			case c >= 0xE0 && c <= 0xEF:
				if c == 0xE0 {
					lower = 0xA0
				} else if c == 0xED {
					upper = 0x9F
				}
				needed, cp = 2, rune(c&0x0F)
			case c >= 0xF0 && c <= 0xF4:
				if c == 0xF0 {
					lower = 0x90
				} else if c == 0xF4 {
					upper = 0x8F
				}
				needed, cp = 3, rune(c&0x07)
			default:
				out = utf8.AppendRune(out, utf8.RuneError)
			}
			continue
		}
		if c < lower || c > upper {
			// Ill-formed: emit one U+FFFD for the subpart seen so far and
			// reprocess c as the start of a new sequence.
			cp, needed, seen, lower, upper = 0, 0, 0, 0x80, 0xBF
			out = utf8.AppendRune(out, utf8.RuneError)
			continue
		}
		i++
		lower, upper = 0x80, 0xBF
		cp = cp<<6 | rune(c&0x3F)
		seen++
		if seen == needed {
			out = utf8.AppendRune(out, cp)
			cp, needed, seen = 0, 0, 0
		}
	}
	if needed != 0 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return string(out)
}

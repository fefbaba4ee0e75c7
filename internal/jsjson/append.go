package jsjson

import "unicode/utf8"

// AppendString appends s to dst as a JSON string literal, in the bytes
// Marshal(s) gives: JSON.stringify's escapes (\" \\ \b \f \n \r \t, \u00xx
// for other control characters, everything else raw, U+2028 and U+2029
// included), and \ufffd for each byte of invalid UTF-8, as encoding/json
// writes it.
//
// It is for the few fixed messages on a join's path (tracker announces and
// answers), which a page would otherwise encode by reflection, compiling
// encoding/json's encoders on its first use.
func AppendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendArray appends items as a JSON array, each element written by elem
// (AppendString for strings, say); [] when there are none, as JS writes an
// empty array.
func AppendArray[T any](dst []byte, items []T, elem func([]byte, T) []byte) []byte {
	dst = append(dst, '[')
	for i, v := range items {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = elem(dst, v)
	}
	return append(dst, ']')
}

// Package jsjson encodes JSON byte for byte as JavaScript's JSON.stringify does,
// for payloads that a JS peer or relay hashes, signs or compares.
package jsjson

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Marshal encodes v as JSON the way JS's JSON.stringify encodes the same
// plain data, so that Go senders put the same bytes on the wire as JS peers
// (protocol-0.18 §5.3: JSON payloads are the UTF-8 of JSON.stringify):
//
//   - no HTML escaping: <, > and & stay as they are;
//   - U+2028 and U+2029 are written raw, not as \u2028/\u2029;
//   - -0 is written as 0;
//   - no trailing newline, no indentation.
//
// What it cannot reproduce: map keys are sorted (JS keeps insertion order,
// integer-like keys first), []byte becomes base64 (JS would encode a
// Uint8Array as an object), NaN and ±Inf are errors (JS writes null). Struct
// fields keep their declaration order, as JS keeps property order.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return jsonStringifyFixup(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})), nil
}

// jsonStringifyFixup rewrites compact JSON from encoding/json into
// JSON.stringify's spelling: \u2028 and \u2029 escapes inside strings become
// the raw characters, and a -0 number becomes 0. Everything else is kept.
func jsonStringifyFixup(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u202`)) && !bytes.Contains(b, []byte("-0")) {
		return b
	}
	out := make([]byte, 0, len(b))
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inString && c == '\\':
			if i+5 < len(b) && b[i+1] == 'u' && string(b[i+2:i+5]) == "202" && (b[i+5] == '8' || b[i+5] == '9') {
				out = utf8.AppendRune(out, rune(0x2020+int(b[i+5]-'0')))
				i += 5
				continue
			}
			out = append(out, c, b[i+1]) // any other escape pair, e.g. \\ or \"
			i++
		case c == '"':
			inString = !inString
			out = append(out, c)
		case !inString && c == '-' && i+1 < len(b) && b[i+1] == '0' && (i+2 == len(b) || !isNumberByte(b[i+2])):
			// -0 → 0; encoding/json writes negative zero as "-0".
		default:
			out = append(out, c)
		}
	}
	return out
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

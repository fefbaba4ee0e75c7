// Package jsonobj reads small JSON objects member by member, and arrays
// element by element, with the rules encoding/json applies when it decodes
// into a struct or a slice (names matched without regard to case, the last
// of repeated members wins, null leaves a string as it is), without
// reflecting on a Go type. In the browser build each page decodes a few
// message shapes a few times on its join's path, and encoding/json's first
// use of a type there costs milliseconds.
package jsonobj

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// ErrShape reports JSON that is not the object, array, string or boolean
// wanted.
var ErrShape = errors.New("jsonobj: unexpected JSON type")

// Members checks that text is one JSON value and calls f with each member of
// that value, in order, if it is an object; null counts as an object
// without members (as for a struct). Anything else is ErrShape. f's error
// stops the walk and is returned. The values f gets are slices of text,
// trimmed of white space: f copies what it keeps beyond the call.
func Members(text []byte, f func(name string, v json.RawMessage) error) error {
	if !json.Valid(text) {
		return errors.New("jsonobj: not a JSON text")
	}
	return members(bytes.TrimSpace(text), f) // valid JSON: only JSON's white space
}

// Elements checks that text is one JSON value and calls f with each element
// of that value, in order, if it is an array; null counts as an array
// without elements (as for a slice). Anything else is ErrShape. f's error
// stops the walk and is returned. The values f gets are slices of text,
// trimmed of white space: f copies what it keeps beyond the call.
func Elements(text []byte, f func(v json.RawMessage) error) error {
	if !json.Valid(text) {
		return errors.New("jsonobj: not a JSON text")
	}
	v := bytes.TrimSpace(text)
	if IsNull(v) {
		return nil
	}
	if v[0] != '[' {
		return ErrShape
	}
	i := skipSpace(v, 1)
	for v[i] != ']' {
		end := valueEnd(v, i)
		if err := f(v[i:end:end]); err != nil {
			return err
		}
		i = skipSpace(v, end)
		if v[i] == ',' {
			i = skipSpace(v, i+1)
		}
	}
	return nil
}

// members is Members for a value known to be valid and trimmed, such as
// the json.RawMessage f is given. It walks the bytes itself rather than
// through json.Decoder, which would add its code to every browser bundle.
func members(v []byte, f func(name string, v json.RawMessage) error) error {
	if IsNull(v) {
		return nil
	}
	if v[0] != '{' {
		return ErrShape
	}
	i := skipSpace(v, 1)
	for v[i] != '}' {
		end := stringEnd(v, i)
		name, err := unquote(v[i:end])
		if err != nil {
			return err
		}
		i = skipSpace(v, end)
		i = skipSpace(v, i+1) // the colon
		end = valueEnd(v, i)
		if err := f(name, v[i:end:end]); err != nil {
			return err
		}
		i = skipSpace(v, end)
		if v[i] == ',' {
			i = skipSpace(v, i+1)
		}
	}
	return nil
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(v []byte, i int) int {
	for i < len(v) && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n') {
		i++
	}
	return i
}

// stringEnd returns the index just past the string that starts at v[i].
func stringEnd(v []byte, i int) int {
	for i++; v[i] != '"'; i++ {
		if v[i] == '\\' {
			i++
		}
	}
	return i + 1
}

// valueEnd returns the index just past the value that starts at v[i] (valid
// JSON: it ends before the ',', '}' or ']' that follows it at its depth,
// or at the end of v).
func valueEnd(v []byte, i int) int {
	depth := 0
	for ; i < len(v); i++ {
		switch v[i] {
		case '"':
			i = stringEnd(v, i) - 1
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return trimEnd(v, i)
			}
			if depth--; depth == 0 {
				return i + 1
			}
		case ',':
			if depth == 0 {
				return trimEnd(v, i)
			}
		}
	}
	return trimEnd(v, i)
}

// trimEnd backs j up over the white space that ends a scalar value.
func trimEnd(v []byte, j int) int {
	for j > 0 && (v[j-1] == ' ' || v[j-1] == '\t' || v[j-1] == '\r' || v[j-1] == '\n') {
		j--
	}
	return j
}

// Object is Members for a member value f was given.
func Object(v json.RawMessage, f func(name string, v json.RawMessage) error) error {
	return members(v, f)
}

// IsNull reports whether a member value is null (or missing: empty).
func IsNull(v json.RawMessage) bool { return len(v) == 0 || v[0] == 'n' }

// String decodes a string member value into dst; null leaves dst as it is,
// anything else is ErrShape.
func String(v json.RawMessage, dst *string) error {
	if IsNull(v) {
		return nil
	}
	if v[0] != '"' {
		return ErrShape
	}
	s, err := unquote(v)
	if err != nil {
		return err
	}
	*dst = s
	return nil
}

// unquote decodes a valid JSON string token, quotes included, as
// json.Unmarshal into a string does. A string without escapes that is valid
// UTF-8 is its own bytes, which covers the names and values of the messages
// posthorn reads; any other goes through encoding/json (escapes, and invalid
// UTF-8, which it replaces with U+FFFD).
func unquote(v []byte) (string, error) {
	body := v[1 : len(v)-1]
	if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return string(body), nil
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// Bool decodes a boolean member value into dst; null leaves dst as it is,
// anything else is ErrShape.
func Bool(v json.RawMessage, dst *bool) error {
	switch string(v) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		if !IsNull(v) {
			return ErrShape
		}
	}
	return nil
}

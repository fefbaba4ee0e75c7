//go:build !js

package browsertest

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// remoteValue is a value serialized by WebDriver BiDi (script.RemoteValue).
type remoteValue struct {
	Type       string          `json:"type"`
	Value      json.RawMessage `json:"value"`
	SharedID   string          `json:"sharedId"`
	InternalID string          `json:"internalId"` // set on an object seen more than once
}

// remoteJSON renders a BiDi RemoteValue as the JSON that Chromium's
// returnByValue gives for the same value (JSON.stringify's rules): nil for
// undefined at the top, members that are undefined or functions left out,
// NaN and infinities as null, other objects without a JSON form as {}. An
// object met again (BiDi sends it once, then only its internalId) is
// written again in full; a cycle, which JSON cannot hold, ends as {}.
func remoteJSON(raw json.RawMessage) ([]byte, error) {
	var v remoteValue
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	ok, err := (remoteWriter{seen: map[string][]byte{}}).write(&b, v)
	if err != nil || !ok {
		return nil, err
	}
	return b.Bytes(), nil
}

// remoteWriter keeps the JSON of the objects that have an internalId.
type remoteWriter struct {
	seen map[string][]byte
}

// write writes v as JSON; it reports false, writing nothing, for a value
// JSON.stringify leaves out (undefined, functions, symbols).
func (w remoteWriter) write(b *bytes.Buffer, v remoteValue) (bool, error) {
	if v.InternalID != "" {
		if v.Value == nil {
			if prev, ok := w.seen[v.InternalID]; ok {
				b.Write(prev)
				return true, nil
			}
		} else {
			start := b.Len()
			defer func() { w.seen[v.InternalID] = bytes.Clone(b.Bytes()[start:]) }()
		}
	}
	switch v.Type {
	case "undefined", "function", "symbol":
		return false, nil
	case "null":
		b.WriteString("null")
	case "string", "boolean", "date":
		b.Write(v.Value)
	case "number":
		var s string
		switch {
		case json.Unmarshal(v.Value, &s) != nil:
			b.Write(v.Value)
		case s == "-0":
			b.WriteString("0")
		default: // NaN, Infinity, -Infinity
			b.WriteString("null")
		}
	case "bigint":
		var s string
		if err := json.Unmarshal(v.Value, &s); err != nil {
			return false, err
		}
		b.WriteString(s)
	case "array", "set":
		var items []remoteValue
		if len(v.Value) > 0 {
			if err := json.Unmarshal(v.Value, &items); err != nil {
				return false, fmt.Errorf("%s value: %w", v.Type, err)
			}
		}
		b.WriteByte('[')
		for i, it := range items {
			if i > 0 {
				b.WriteByte(',')
			}
			if ok, err := w.write(b, it); err != nil {
				return false, err
			} else if !ok {
				b.WriteString("null")
			}
		}
		b.WriteByte(']')
	case "object", "map":
		var pairs [][2]json.RawMessage
		if len(v.Value) > 0 {
			if err := json.Unmarshal(v.Value, &pairs); err != nil {
				return false, fmt.Errorf("%s value: %w", v.Type, err)
			}
		}
		b.WriteByte('{')
		n := 0
		for _, p := range pairs {
			key, err := remoteKey(p[0])
			if err != nil {
				return false, err
			}
			var val remoteValue
			if err := json.Unmarshal(p[1], &val); err != nil {
				return false, err
			}
			mark := b.Len()
			if n > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(key)
			b.Write(k)
			b.WriteByte(':')
			ok, err := w.write(b, val)
			if err != nil {
				return false, err
			}
			if !ok {
				b.Truncate(mark)
				continue
			}
			n++
		}
		b.WriteByte('}')
	default: // regexp, error, promise, node, window, typed arrays, ...
		b.WriteString("{}")
	}
	return true, nil
}

// remoteKey is an object key (a JSON string) or a Map key (a RemoteValue,
// used as a key when it is a string or a number).
func remoteKey(raw json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var v remoteValue
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	if err := json.Unmarshal(v.Value, &s); err == nil {
		return s, nil
	}
	return string(v.Value), nil
}

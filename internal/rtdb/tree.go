package rtdb

import (
	"encoding/json"
	"strings"
)

// Tree is a local copy of the data under a listened path, kept up to date
// by applying its Events. Objects are map[string]any, leaves what
// encoding/json makes of them; as in the database, a null value or an
// emptied object is no value at all.
type Tree struct {
	root any
}

// Apply applies e. A malformed event leaves the tree unchanged and is
// reported.
func (t *Tree) Apply(e Event) error {
	if !e.Merge {
		v, err := decode(e.Data)
		if err != nil {
			return err
		}
		t.root = set(t.root, split(e.Path), v)
		return nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(e.Data, &members); err != nil {
		return err
	}
	vals := make(map[string]any, len(members))
	for k, raw := range members {
		v, err := decode(raw)
		if err != nil {
			return err
		}
		vals[k] = v
	}
	base := split(e.Path)
	for k, v := range vals {
		t.root = set(t.root, append(append([]string(nil), base...), split(k)...), v)
	}
	return nil
}

// Get returns the value at path ("" or no elements: the root), nil if none.
func (t *Tree) Get(path ...string) any {
	v := t.root
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// Children returns the object at path's members, nil if it is no object.
func (t *Tree) Children(path ...string) map[string]any {
	m, _ := t.Get(path...).(map[string]any)
	return m
}

func decode(raw json.RawMessage) (any, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return prune(v), nil
}

// prune drops null members and empty objects, as the database stores them.
func prune(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for k, c := range m {
		if c = prune(c); c == nil {
			delete(m, k)
		} else {
			m[k] = c
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

func split(path string) []string {
	path = trim(path)
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

// set returns node with the value at path replaced by v.
func set(node any, path []string, v any) any {
	if len(path) == 0 {
		return v
	}
	m, ok := node.(map[string]any)
	if !ok {
		if v == nil {
			return node
		}
		m = map[string]any{}
	}
	if c := set(m[path[0]], path[1:], v); c == nil {
		delete(m, path[0])
	} else {
		m[path[0]] = c
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

package nostrrelay

import (
	"encoding/json"
	"fmt"
	"slices"
)

// filter is one NIP-01 filter. Empty lists and nil bounds match everything.
type filter struct {
	IDs     []string
	Authors []string
	Kinds   []int
	Tags    map[string][]string // "#e" → values, keyed by the letter
	Since   *int64
	Until   *int64
	Limit   *int // nil = no limit given; 0 = no stored events
}

// parseFilter decodes a filter object. Unknown members are ignored, as
// relays commonly do. Each list (ids, authors, kinds, #tag) may hold at most
// maxValues elements.
func parseFilter(raw json.RawMessage, maxValues int) (filter, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return filter{}, fmt.Errorf("filter is not an object")
	}
	var f filter
	for k, v := range m {
		var err error
		switch {
		case k == "ids":
			err = json.Unmarshal(v, &f.IDs)
		case k == "authors":
			err = json.Unmarshal(v, &f.Authors)
		case k == "kinds":
			err = json.Unmarshal(v, &f.Kinds)
		case k == "since":
			f.Since = new(int64)
			err = json.Unmarshal(v, f.Since)
		case k == "until":
			f.Until = new(int64)
			err = json.Unmarshal(v, f.Until)
		case k == "limit":
			f.Limit = new(int)
			err = json.Unmarshal(v, f.Limit)
			if err == nil && *f.Limit < 0 {
				err = fmt.Errorf("negative")
			}
		case len(k) == 2 && k[0] == '#':
			var vals []string
			if err = json.Unmarshal(v, &vals); err == nil {
				if f.Tags == nil {
					f.Tags = map[string][]string{}
				}
				f.Tags[k[1:]] = vals
			}
		}
		if err != nil {
			return filter{}, fmt.Errorf("filter member %q: %v", k, err)
		}
	}
	long := len(f.IDs) > maxValues || len(f.Authors) > maxValues || len(f.Kinds) > maxValues
	for _, vals := range f.Tags {
		long = long || len(vals) > maxValues
	}
	if long {
		return filter{}, fmt.Errorf("filter lists hold at most %d values", maxValues)
	}
	return f, nil
}

// matches reports whether e passes every condition of f.
func (f *filter) matches(e *event) bool {
	if len(f.IDs) > 0 && !slices.Contains(f.IDs, e.ID) {
		return false
	}
	if len(f.Authors) > 0 && !slices.Contains(f.Authors, e.PubKey) {
		return false
	}
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, e.Kind) {
		return false
	}
	if f.Since != nil && e.CreatedAt < *f.Since {
		return false
	}
	if f.Until != nil && e.CreatedAt > *f.Until {
		return false
	}
	for name, vals := range f.Tags {
		if !hasTag(e, name, vals) {
			return false
		}
	}
	return true
}

func hasTag(e *event, name string, vals []string) bool {
	for _, t := range e.Tags {
		if len(t) >= 2 && t[0] == name && slices.Contains(vals, t[1]) {
			return true
		}
	}
	return false
}

func matchesAny(fs []filter, e *event) bool {
	for i := range fs {
		if fs[i].matches(e) {
			return true
		}
	}
	return false
}

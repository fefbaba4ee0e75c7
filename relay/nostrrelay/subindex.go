package nostrrelay

import "slices"

// subIndex finds the subscriptions an event may match without visiting
// every subscription of every connection. A subscription whose filters all
// have a tag condition (Trystero's: "#x", protocol-0.18 §7.2) is indexed under
// each value of one tag letter per filter; the others are visited for every
// event. Candidates are then matched in full. Guarded by Server.mu.
type subIndex struct {
	byTag map[tagKey]map[*subscription]struct{}
	rest  map[*subscription]struct{}
}

type tagKey struct{ name, value string }

func newSubIndex() *subIndex {
	return &subIndex{byTag: map[tagKey]map[*subscription]struct{}{}, rest: map[*subscription]struct{}{}}
}

// keys returns the index keys of sub, or nil when it must be visited for
// every event.
func (ix *subIndex) keys(sub *subscription) []tagKey {
	var keys []tagKey
	for i := range sub.filters {
		f := &sub.filters[i]
		if len(f.Tags) == 0 {
			return nil
		}
		name := slices.Min(mapKeys(f.Tags))
		for _, v := range f.Tags[name] {
			keys = append(keys, tagKey{name, v})
		}
	}
	return keys
}

func (ix *subIndex) add(sub *subscription) {
	keys := ix.keys(sub)
	if keys == nil {
		ix.rest[sub] = struct{}{}
		return
	}
	for _, k := range keys {
		set := ix.byTag[k]
		if set == nil {
			set = map[*subscription]struct{}{}
			ix.byTag[k] = set
		}
		set[sub] = struct{}{}
	}
}

func (ix *subIndex) remove(sub *subscription) {
	keys := ix.keys(sub)
	if keys == nil {
		delete(ix.rest, sub)
		return
	}
	for _, k := range keys {
		if set := ix.byTag[k]; set != nil {
			delete(set, sub)
			if len(set) == 0 {
				delete(ix.byTag, k)
			}
		}
	}
}

// candidates calls yield once for every subscription e may match.
func (ix *subIndex) candidates(e *event, yield func(*subscription)) {
	var seen map[*subscription]bool
	if len(e.Tags) > 1 {
		seen = map[*subscription]bool{}
	}
	for _, t := range e.Tags {
		if len(t) < 2 {
			continue
		}
		for sub := range ix.byTag[tagKey{t[0], t[1]}] {
			if seen != nil {
				if seen[sub] {
					continue
				}
				seen[sub] = true
			}
			yield(sub)
		}
	}
	for sub := range ix.rest {
		yield(sub)
	}
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

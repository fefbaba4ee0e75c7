package jsjson

import "strconv"

// Object writes one JSON object member by member, in the order of the
// calls, in the bytes JSON.stringify writes for a JS object built in that
// order. Member names are written as they are: they must need no escaping.
// It is for the fixed messages on a join's path, which would otherwise be
// encoded by reflection (see AppendString).
type Object struct{ b []byte }

// NewObject starts an object in a buffer of capacity bytes.
func NewObject(capacity int) *Object {
	return &Object{b: append(make([]byte, 0, capacity), '{')}
}

func (o *Object) name(name string) {
	if len(o.b) > 1 {
		o.b = append(o.b, ',')
	}
	o.b = append(o.b, '"')
	o.b = append(o.b, name...)
	o.b = append(o.b, '"', ':')
}

// String adds a string member.
func (o *Object) String(name, v string) *Object {
	o.name(name)
	o.b = AppendString(o.b, v)
	return o
}

// Int adds a number member with an integer value.
func (o *Object) Int(name string, v int64) *Object {
	o.name(name)
	o.b = strconv.AppendInt(o.b, v, 10)
	return o
}

// True adds name: true.
func (o *Object) True(name string) *Object {
	o.name(name)
	o.b = append(o.b, "true"...)
	return o
}

// Null adds name: null.
func (o *Object) Null(name string) *Object {
	o.name(name)
	o.b = append(o.b, "null"...)
	return o
}

// Raw adds a member whose value is v as it is: JSON as JSON.stringify
// writes it, such as another Object's Bytes.
func (o *Object) Raw(name string, v []byte) *Object {
	o.name(name)
	o.b = append(o.b, v...)
	return o
}

// Bytes closes the object and returns it. The Object is not to be used
// after.
func (o *Object) Bytes() []byte { return append(o.b, '}') }

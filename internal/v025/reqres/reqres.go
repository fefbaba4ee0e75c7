// Package reqres is the metadata of Trystero 0.25's request and response
// actions (protocol-0.25 §8): a request travels on the application's action
// with metadata {"r":<id>} or {"r":<id>,"m":<user metadata>}; its response
// comes back on the internal action @_response with metadata {"r":<id>} on
// success or {"r":<id>,"e":"<message>"} (and data null) on failure.
package reqres

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/jsjson"
)

// Action is the internal action responses travel on (protocol-0.25 §10).
const Action = "@_response"

// IDLen is the length of a request id.
const IDLen = 20

// Unavailable is the error Trystero answers with when no request handler
// was registered within HandlerWait of the request's arrival.
const Unavailable = "request handler unavailable"

// HandlerWait is how long a request waits for its handler to be registered
// (requestHandlerBufferMs).
const HandlerWait = 500 * time.Millisecond

// ErrSaidLeave is in the error of a request whose peer announced it left
// the room (@_leave), as opposed to its connection closing: JS words the
// two differently.
var ErrSaidLeave = errors.New("it left the room")

// ErrMeta wraps every reason metadata is not a request's or a response's.
var ErrMeta = errors.New("reqres: malformed request/response metadata")

// NewID returns a fresh request id.
func NewID() string { return ids.New(IDLen) }

// Request is a request's metadata. User is the caller's own metadata as
// JSON, nil when it gave none.
type Request struct {
	ID   string
	User json.RawMessage
}

type requestJSON struct {
	R string          `json:"r"`
	M json.RawMessage `json:"m,omitempty"`
}

// Marshal encodes the request metadata, members in JS's order.
func (r Request) Marshal() ([]byte, error) {
	if r.User != nil && !json.Valid(r.User) {
		return nil, fmt.Errorf("%w: user metadata is not JSON", ErrMeta)
	}
	return jsjson.Marshal(requestJSON{r.ID, r.User})
}

// Response is a response's metadata. Failed responses carry Err, which
// may be empty, and null data.
type Response struct {
	ID     string
	Failed bool
	Err    string
}

// Marshal encodes the response metadata, members in JS's order.
func (r Response) Marshal() ([]byte, error) {
	if r.Failed {
		return jsjson.Marshal(struct {
			R string `json:"r"`
			E string `json:"e"`
		}{r.ID, r.Err})
	}
	return jsjson.Marshal(struct {
		R string `json:"r"`
	}{r.ID})
}

// fields reads metadata as an object whose r is a string, the test
// Trystero's getRequestMetadata and getResponseMetadata make.
func fields(meta []byte) (map[string]json.RawMessage, string, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(meta, &obj); err != nil || obj == nil {
		return nil, "", fmt.Errorf("%w: not a JSON object", ErrMeta)
	}
	var id string
	if v, ok := obj["r"]; !ok || json.Unmarshal(v, &id) != nil || v[0] != '"' {
		return nil, "", fmt.Errorf("%w: r is not a string", ErrMeta)
	}
	return obj, id, nil
}

// ParseRequest reads the metadata of a message received on a request
// action: an object whose r is a string, with the caller's metadata in m
// when that member is present (it may be null). Other members are ignored.
func ParseRequest(meta []byte) (Request, error) {
	obj, id, err := fields(meta)
	if err != nil {
		return Request{}, err
	}
	return Request{ID: id, User: obj["m"]}, nil
}

// ParseResponse reads the metadata of an @_response message. An e that is
// a string, even empty, makes it a failure; any other e is ignored, as JS
// does.
func ParseResponse(meta []byte) (Response, error) {
	obj, id, err := fields(meta)
	if err != nil {
		return Response{}, err
	}
	r := Response{ID: id}
	if e, ok := obj["e"]; ok && json.Unmarshal(e, &r.Err) == nil && e[0] == '"' {
		r.Failed = true
	}
	return r, nil
}

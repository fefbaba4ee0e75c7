package engine

import (
	"encoding/json"
	"fmt"

	"github.com/posthorn/posthorn/internal/jsjson"
)

// Codec encodes the announcement payload, which differs per strategy.
type Codec interface {
	// EncodeID returns the announcement payload for id.
	EncodeID(id string) []byte
	// DecodeID returns the id an announcement carries; the error wraps
	// ErrPayload.
	DecodeID(payload []byte) (string, error)
}

var (
	// RawID announces the id's bytes as they are (mqtt, ipfs: protocol-0.18
	// §7.3, §7.5).
	RawID Codec = rawID{}
	// JSONID announces JSON.stringify(id), the id in quotes (nostr event
	// content, protocol-0.18 §7.2).
	JSONID Codec = jsonID{}
)

type rawID struct{}

func (rawID) EncodeID(id string) []byte { return []byte(id) }

func (rawID) DecodeID(p []byte) (string, error) {
	if !ValidID(string(p)) {
		return "", fmt.Errorf("%w: announcement is not a peer id", ErrPayload)
	}
	return string(p), nil
}

type jsonID struct{}

func (jsonID) EncodeID(id string) []byte { return jsjson.AppendString(nil, id) }

func (jsonID) DecodeID(p []byte) (string, error) {
	var id string
	if err := json.Unmarshal(p, &id); err != nil {
		return "", fmt.Errorf("%w: announcement is not a JSON string: %v", ErrPayload, err)
	}
	if !ValidID(id) {
		return "", fmt.Errorf("%w: announcement is not a peer id", ErrPayload)
	}
	return id, nil
}

package p2p

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/mr-tron/base58"
	"google.golang.org/protobuf/encoding/protowire"
)

// ErrPeerID reports text that is not a base58btc multihash peer id.
var ErrPeerID = errors.New("p2p: invalid peer id")

// KeyType values of libp2p's crypto.pb PublicKey.
const (
	keyEd25519   = 1
	keySecp256k1 = 2
)

// Multihash codes a peer id may use.
const (
	mhIdentity = 0x00
	mhSHA256   = 0x12
)

// maxInlineKey is the longest encoded public key a peer id holds as is
// (identity multihash); longer keys are hashed with SHA-256.
const maxInlineKey = 42

// ID is a libp2p peer id: the multihash bytes of the peer's encoded public
// key.
type ID string

// String is the id in base58btc, as in a /p2p/ multiaddr.
func (id ID) String() string { return base58.Encode([]byte(id)) }

// DecodeID parses a base58btc peer id (Qm…, 12D3Koo…, 16Uiu2…): an
// identity or SHA-256 multihash.
func DecodeID(s string) (ID, error) {
	b, err := base58.Decode(s)
	if err != nil || len(b) < 2 {
		return "", fmt.Errorf("%w %q", ErrPeerID, s)
	}
	code, n := protowire.ConsumeVarint(b)
	if n < 0 {
		return "", fmt.Errorf("%w %q", ErrPeerID, s)
	}
	size, m := protowire.ConsumeVarint(b[n:])
	if m < 0 || uint64(len(b)-n-m) != size {
		return "", fmt.Errorf("%w %q: multihash length", ErrPeerID, s)
	}
	switch {
	case code == mhIdentity && size > 0 && size <= maxInlineKey, code == mhSHA256 && size == sha256.Size:
		return ID(b), nil
	}
	return "", fmt.Errorf("%w %q: multihash code %#x, %d bytes", ErrPeerID, s, code, size)
}

// IDFromKey is the peer id of an ed25519 public key.
func IDFromKey(pub ed25519.PublicKey) ID { return idOf(marshalPublicKey(keyEd25519, pub)) }

// idOf is the peer id of an encoded public key.
func idOf(key []byte) ID {
	if len(key) <= maxInlineKey {
		return ID(append([]byte{mhIdentity, byte(len(key))}, key...))
	}
	h := sha256.Sum256(key)
	return ID(append([]byte{mhSHA256, sha256.Size}, h[:]...))
}

// marshalPublicKey encodes a key as libp2p's protobuf PublicKey
// {Type = 1, Data = 2}.
func marshalPublicKey(typ uint64, data []byte) []byte {
	b := protowire.AppendTag(nil, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, typ)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	return protowire.AppendBytes(b, data)
}

// verifyKey checks sig over msg by the encoded public key key and returns
// the key's peer id. It knows ed25519 and secp256k1 keys, the ones
// go-libp2p and nwaku nodes use.
func verifyKey(key, msg, sig []byte) (ID, error) {
	var typ uint64
	var data []byte
	var haveType, haveData bool
	for b := key; len(b) > 0; {
		num, wt, n := protowire.ConsumeTag(b)
		if n < 0 {
			return "", errors.New("public key: bad protobuf")
		}
		b = b[n:]
		switch {
		case num == 1 && wt == protowire.VarintType:
			typ, n = protowire.ConsumeVarint(b)
			haveType = true
		case num == 2 && wt == protowire.BytesType:
			data, n = protowire.ConsumeBytes(b)
			haveData = true
		default:
			n = protowire.ConsumeFieldValue(num, wt, b)
		}
		if n < 0 {
			return "", errors.New("public key: bad protobuf")
		}
		b = b[n:]
	}
	if !haveType || !haveData {
		return "", errors.New("public key: missing type or data")
	}
	switch typ {
	case keyEd25519:
		if len(data) != ed25519.PublicKeySize || !ed25519.Verify(data, msg, sig) {
			return "", errors.New("ed25519 signature does not verify")
		}
	case keySecp256k1:
		if err := verifySecp256k1(data, msg, sig); err != nil {
			return "", err
		}
	default:
		return "", fmt.Errorf("public key type %d not supported (ed25519 and secp256k1 are)", typ)
	}
	return idOf(key), nil
}

package p2p

import (
	"crypto/ed25519"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
)

// Protocol ids served on every connection.
const (
	IdentifyID = "/ipfs/id/1.0.0"
	PingID     = "/ipfs/ping/1.0.0"
)

// Identify's reply fields: what a light client is.
const (
	protocolVersion = "ipfs/0.1.0"
	agentVersion    = "posthorn"
)

// pingSize is the size of a ping payload, echoed back as is.
const pingSize = 32

// Field numbers of identify.pb Identify.
const (
	idProtocolVersion = 5
	idAgentVersion    = 6
	idPublicKey       = 1
	idProtocols       = 3
)

// serveIdentify answers an identify request: one length-prefixed Identify
// message with our public key and protocols, no listen addresses (we
// cannot be dialled), then the stream is closed.
func serveIdentify(w io.Writer, key ed25519.PrivateKey, protocols []string) error {
	str := func(b []byte, num protowire.Number, s string) []byte {
		b = protowire.AppendTag(b, num, protowire.BytesType)
		return protowire.AppendString(b, s)
	}
	b := str(nil, idProtocolVersion, protocolVersion)
	b = str(b, idAgentVersion, agentVersion)
	b = protowire.AppendTag(b, idPublicKey, protowire.BytesType)
	b = protowire.AppendBytes(b, marshalPublicKey(keyEd25519, key.Public().(ed25519.PublicKey)))
	for _, p := range protocols {
		b = str(b, idProtocols, p)
	}
	if err := WriteFrame(w, b); err != nil {
		return fmt.Errorf("identify: %w", err)
	}
	return nil
}

// servePing echoes 32-byte pings until the peer closes the stream.
func servePing(rw io.ReadWriter) error {
	var buf [pingSize]byte
	for {
		if _, err := io.ReadFull(rw, buf[:]); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		if _, err := rw.Write(buf[:]); err != nil {
			return err
		}
	}
}

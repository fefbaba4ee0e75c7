package p2p

import (
	"fmt"
	"io"

	"github.com/libp2p/go-libp2p/core/crypto"
	pb "github.com/libp2p/go-libp2p/p2p/protocol/identify/pb"
	"google.golang.org/protobuf/proto"
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

// serveIdentify answers an identify request: one length-prefixed Identify
// message with our public key and protocols, no listen addresses (we
// cannot be dialled), then the stream is closed.
func serveIdentify(w io.Writer, key crypto.PrivKey, protocols []string) error {
	pub, err := crypto.MarshalPublicKey(key.GetPublic())
	if err != nil {
		return err
	}
	b, err := proto.Marshal(&pb.Identify{
		ProtocolVersion: proto.String(protocolVersion),
		AgentVersion:    proto.String(agentVersion),
		PublicKey:       pub,
		Protocols:       protocols,
	})
	if err != nil {
		return err
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

package p2p

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/flynn/noise"
	"google.golang.org/protobuf/encoding/protowire"
)

// noiseSigPrefix precedes the static key a libp2p identity key signs.
const noiseSigPrefix = "noise-libp2p-static-key:"

// Noise frame bounds (libp2p noise spec): a 2-byte big-endian length, at
// most 65535 bytes of ciphertext, 16 of them the AEAD tag.
const (
	maxNoiseFrame = 65535
	maxPlaintext  = maxNoiseFrame - 16
)

var noiseSuite = noise.NewCipherSuite(noise.DH25519, noise.CipherChaChaPoly, noise.HashSHA256)

// secureOutbound runs the noise XX handshake as the initiator, with the
// libp2p handshake payload, and checks that the responder's identity key
// is remote's.
func secureOutbound(conn net.Conn, key ed25519.PrivateKey, remote ID) (*secureConn, error) {
	static, err := noiseSuite.GenerateKeypair(rand.Reader)
	if err != nil {
		return nil, err
	}
	hs, err := noise.NewHandshakeState(noise.Config{
		CipherSuite: noiseSuite, Random: rand.Reader, Pattern: noise.HandshakeXX,
		Initiator: true, StaticKeypair: static,
	})
	if err != nil {
		return nil, err
	}
	// -> e
	msg, _, _, err := hs.WriteMessage(nil, nil)
	if err != nil {
		return nil, err
	}
	if err := writeNoiseFrame(conn, msg); err != nil {
		return nil, err
	}
	// <- e, ee, s, es with the responder's payload
	buf := make([]byte, maxNoiseFrame)
	in, err := readNoiseFrame(conn, buf)
	if err != nil {
		return nil, err
	}
	payload, _, _, err := hs.ReadMessage(nil, in)
	if err != nil {
		return nil, fmt.Errorf("second message: %w", err)
	}
	if err := checkPayload(payload, hs.PeerStatic(), remote); err != nil {
		return nil, err
	}
	// -> s, se with ours
	pub := key.Public().(ed25519.PublicKey)
	sig := ed25519.Sign(key, append([]byte(noiseSigPrefix), static.Public...))
	ours := protowire.AppendTag(nil, 1, protowire.BytesType)
	ours = protowire.AppendBytes(ours, marshalPublicKey(keyEd25519, pub))
	ours = protowire.AppendTag(ours, 2, protowire.BytesType)
	ours = protowire.AppendBytes(ours, sig)
	msg, send, recv, err := hs.WriteMessage(nil, ours)
	if err != nil {
		return nil, err
	}
	if err := writeNoiseFrame(conn, msg); err != nil {
		return nil, err
	}
	return &secureConn{Conn: conn, send: send, recv: recv, rbuf: buf}, nil
}

// checkPayload checks the responder's NoiseHandshakePayload
// {identity_key = 1, identity_sig = 2, extensions = 4}: the identity key
// signed its noise static key and is the key of peer want.
func checkPayload(p, static []byte, want ID) error {
	var key, sig []byte
	for len(p) > 0 {
		num, wt, n := protowire.ConsumeTag(p)
		if n < 0 {
			return errors.New("handshake payload: bad protobuf")
		}
		p = p[n:]
		switch {
		case num == 1 && wt == protowire.BytesType:
			key, n = protowire.ConsumeBytes(p)
		case num == 2 && wt == protowire.BytesType:
			sig, n = protowire.ConsumeBytes(p)
		default:
			n = protowire.ConsumeFieldValue(num, wt, p)
		}
		if n < 0 {
			return errors.New("handshake payload: bad protobuf")
		}
		p = p[n:]
	}
	got, err := verifyKey(key, append([]byte(noiseSigPrefix), static...), sig)
	if err != nil {
		return fmt.Errorf("peer's identity: %w", err)
	}
	if got != want {
		return fmt.Errorf("peer is %s, not %s", got, want)
	}
	return nil
}

func writeNoiseFrame(w io.Writer, b []byte) error {
	out := make([]byte, 2, 2+len(b))
	binary.BigEndian.PutUint16(out, uint16(len(b)))
	_, err := w.Write(append(out, b...))
	return err
}

// readNoiseFrame reads one frame into buf (maxNoiseFrame bytes).
func readNoiseFrame(r io.Reader, buf []byte) ([]byte, error) {
	var l [2]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(r, buf[:n]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf[:n], nil
}

// secureConn is a net.Conn carrying noise transport messages.
type secureConn struct {
	net.Conn
	rmu     sync.Mutex
	recv    *noise.CipherState
	rbuf    []byte // one ciphertext frame
	pending []byte // decrypted, not yet read
	plain   []byte

	wmu  sync.Mutex
	send *noise.CipherState
	wbuf []byte
}

func (c *secureConn) Read(b []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for len(c.pending) == 0 {
		ct, err := readNoiseFrame(c.Conn, c.rbuf)
		if err != nil {
			return 0, err
		}
		pt, err := c.recv.Decrypt(c.plain[:0], nil, ct)
		if err != nil {
			return 0, fmt.Errorf("noise: %w", err)
		}
		c.plain, c.pending = pt, pt
	}
	n := copy(b, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

func (c *secureConn) Write(b []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	written := 0
	for len(b) > 0 {
		chunk := b[:min(len(b), maxPlaintext)]
		out, err := c.send.Encrypt(append(c.wbuf[:0], 0, 0), nil, chunk)
		if err != nil {
			return written, fmt.Errorf("noise: %w", err)
		}
		c.wbuf = out
		binary.BigEndian.PutUint16(out, uint16(len(out)-2))
		if _, err := c.Conn.Write(out); err != nil {
			return written, err
		}
		written += len(chunk)
		b = b[len(chunk):]
	}
	return written, nil
}

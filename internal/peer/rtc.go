//go:build !js

package peer

import (
	"sync"

	"github.com/pion/webrtc/v4"
)

// The RTCPeerConnection types the package's API names, native build: pion's
// own (rtc_js.go has the browser build's small twins).
type (
	// Configuration is an RTCConfiguration.
	Configuration = webrtc.Configuration
	// ICEServer is one RTCIceServer of a Configuration.
	ICEServer = webrtc.ICEServer
	// ICECandidateInit is an RTCIceCandidateInit.
	ICECandidateInit = webrtc.ICECandidateInit
	// ICETransportPolicy is RTCConfiguration.iceTransportPolicy.
	ICETransportPolicy = webrtc.ICETransportPolicy
	// BundlePolicy is RTCConfiguration.bundlePolicy.
	BundlePolicy = webrtc.BundlePolicy
	// RTCPMuxPolicy is RTCConfiguration.rtcpMuxPolicy.
	RTCPMuxPolicy = webrtc.RTCPMuxPolicy
)

// Policy values, for both builds.
const (
	ICETransportPolicyAll   = webrtc.ICETransportPolicyAll
	ICETransportPolicyRelay = webrtc.ICETransportPolicyRelay
	BundlePolicyBalanced    = webrtc.BundlePolicyBalanced
	BundlePolicyMaxCompat   = webrtc.BundlePolicyMaxCompat
	BundlePolicyMaxBundle   = webrtc.BundlePolicyMaxBundle
	RTCPMuxPolicyNegotiate  = webrtc.RTCPMuxPolicyNegotiate
	RTCPMuxPolicyRequire    = webrtc.RTCPMuxPolicyRequire
)

// platformConfig is the part of Config only the native build has.
type platformConfig struct {
	// API builds the RTCPeerConnection; nil = the package default: pion's
	// default media engine and interceptors with loopback candidates
	// included (pion leaves them out by default, so two Go peers on one
	// host, or in a loopback-only test namespace, could not connect), 4 MiB
	// UDP socket buffers asked of the kernel (so a full send window is not
	// dropped by the receiving socket) and SCTP's retransmission backoff
	// capped at 3 s (so a transfer resumes soon after a stalled receiver
	// catches up).
	API *webrtc.API
}

// rtcConn is the peer connection as negotiate.go drives it, native build:
// pion's PeerConnection, whose blocking calls are used as they are. The
// methods speak the W3C names (sdp types and states as strings), so the
// negotiation code is the same in both builds.
type rtcConn struct {
	*webrtc.PeerConnection

	// mu serialises setLocalDescription and close, and closed stops a
	// setLocalDescription after close before it reaches pion. pion's
	// SetLocalDescription (v4.2.26) checks for a closed connection first
	// and starts ICE gathering last; a Close in between finds no ICE agent
	// yet, returns without marking the gatherer closed, and the gathering
	// then starts an agent that nothing closes, its goroutines leaked.
	mu     sync.Mutex
	closed bool
}

// setLocalHook, when set by a test, runs inside setLocalDescription with
// mu held, before pion's SetLocalDescription.
var setLocalHook func()

func newConn(cfg Config) (*rtcConn, error) {
	pc, err := cfg.api().NewPeerConnection(cfg.rtcConfig())
	if err != nil {
		return nil, err
	}
	return &rtcConn{PeerConnection: pc}, nil
}

// PeerConnection returns the underlying pion connection.
func (p *Peer) PeerConnection() *webrtc.PeerConnection { return p.pc.PeerConnection }

func (c *rtcConn) setRemoteDescription(typ, sdp string) error {
	return c.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.NewSDPType(typ), SDP: sdp})
}

// remoteType is the remote description's type, "" while there is none.
func (c *rtcConn) remoteType() string {
	if rd := c.RemoteDescription(); rd != nil {
		return rd.Type.String()
	}
	return ""
}

// localDescription is the current local description ("" type: none).
func (c *rtcConn) localDescription() (typ, sdp string) {
	if ld := c.LocalDescription(); ld != nil {
		return ld.Type.String(), ld.SDP
	}
	return "", ""
}

// pendingLocalSDP is the SDP of a local description not yet answered, or "".
func (c *rtcConn) pendingLocalSDP() string {
	if ld := c.PendingLocalDescription(); ld != nil {
		return ld.SDP
	}
	return ""
}

func (c *rtcConn) createOffer() (string, error) {
	d, err := c.CreateOffer(nil)
	return d.SDP, err
}

func (c *rtcConn) createAnswer() (string, error) {
	d, err := c.CreateAnswer(nil)
	return d.SDP, err
}

func (c *rtcConn) setLocalDescription(typ, sdp string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return webrtc.ErrConnectionClosed
	}
	if setLocalHook != nil {
		setLocalHook()
	}
	return c.SetLocalDescription(webrtc.SessionDescription{Type: webrtc.NewSDPType(typ), SDP: sdp})
}

func (c *rtcConn) addICECandidate(ci ICECandidateInit) error { return c.AddICECandidate(ci) }

func (c *rtcConn) signalingState() string { return c.SignalingState().String() }

// addRecvonlyTransceiver adds a recvonly transceiver of kind ("audio" or
// "video", checked by the caller).
func (c *rtcConn) addRecvonlyTransceiver(kind string) error {
	k := webrtc.RTPCodecTypeAudio
	if kind == "video" {
		k = webrtc.RTPCodecTypeVideo
	}
	_, err := c.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{
		Direction: webrtc.RTPTransceiverDirectionRecvonly,
	})
	return err
}

// close waits for a setLocalDescription in progress, so that the ICE agent
// it may start exists when pion's Close looks for it.
func (c *rtcConn) close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return c.Close()
}

//go:build js && wasm

package peer

import (
	"encoding/json"
	"errors"
	"syscall/js"
)

// The RTCPeerConnection types the package's API names, browser build: plain
// Go twins of the W3C dictionaries posthorn passes to the browser (rtc.go
// aliases pion's natively). pion is not linked into the browser build.

// Configuration is the part of an RTCConfiguration posthorn passes on.
// Zero members are left out, so the browser's defaults apply.
type Configuration struct {
	ICEServers           []ICEServer
	ICETransportPolicy   ICETransportPolicy
	BundlePolicy         BundlePolicy
	RTCPMuxPolicy        RTCPMuxPolicy
	ICECandidatePoolSize uint8
}

// ICEServer is one RTCIceServer.
type ICEServer struct {
	URLs       []string
	Username   string
	Credential string
}

// ICECandidateInit is an RTCIceCandidateInit.
type ICECandidateInit struct {
	Candidate        string  `json:"candidate"`
	SDPMid           *string `json:"sdpMid"`
	SDPMLineIndex    *uint16 `json:"sdpMLineIndex"`
	UsernameFragment *string `json:"usernameFragment"`
}

// ICETransportPolicy is RTCConfiguration.iceTransportPolicy; "" = the default.
type ICETransportPolicy string

// BundlePolicy is RTCConfiguration.bundlePolicy; "" = the default.
type BundlePolicy string

// RTCPMuxPolicy is RTCConfiguration.rtcpMuxPolicy; "" = the default.
type RTCPMuxPolicy string

// Policy values, for both builds.
const (
	ICETransportPolicyAll   ICETransportPolicy = "all"
	ICETransportPolicyRelay ICETransportPolicy = "relay"
	BundlePolicyBalanced    BundlePolicy       = "balanced"
	BundlePolicyMaxCompat   BundlePolicy       = "max-compat"
	BundlePolicyMaxBundle   BundlePolicy       = "max-bundle"
	RTCPMuxPolicyNegotiate  RTCPMuxPolicy      = "negotiate"
	RTCPMuxPolicyRequire    RTCPMuxPolicy      = "require"
)

// UnmarshalJSON reads a policy string; an unknown one reads as "" (the
// browser's default), as pion's types read it natively.
func (t *ICETransportPolicy) UnmarshalJSON(b []byte) error {
	s, err := knownString(b, string(ICETransportPolicyAll), string(ICETransportPolicyRelay))
	*t = ICETransportPolicy(s)
	return err
}

// UnmarshalJSON: see ICETransportPolicy.UnmarshalJSON.
func (t *BundlePolicy) UnmarshalJSON(b []byte) error {
	s, err := knownString(b, string(BundlePolicyBalanced), string(BundlePolicyMaxCompat), string(BundlePolicyMaxBundle))
	*t = BundlePolicy(s)
	return err
}

// UnmarshalJSON: see ICETransportPolicy.UnmarshalJSON.
func (t *RTCPMuxPolicy) UnmarshalJSON(b []byte) error {
	s, err := knownString(b, string(RTCPMuxPolicyNegotiate), string(RTCPMuxPolicyRequire))
	*t = RTCPMuxPolicy(s)
	return err
}

// knownString decodes a JSON string and returns it if it is one of known,
// else "".
func knownString(b []byte, known ...string) (string, error) {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", err
	}
	for _, k := range known {
		if s == k {
			return s, nil
		}
	}
	return "", nil
}

// platformConfig is the part of Config only the native build has (none here).
type platformConfig struct{}

var (
	jsObject            = js.Global().Get("Object")
	jsArray             = js.Global().Get("Array")
	jsRTCPeerConnection = js.Global().Get("RTCPeerConnection")
)

// errNoWebRTC: the host (Node, a worker without WebRTC) has no RTCPeerConnection.
var errNoWebRTC = errors.New("this JavaScript host has no RTCPeerConnection")

// rtcConn is the browser's RTCPeerConnection, called directly through
// syscall/js (browser build). Its methods mirror the native twin's; the
// promise-returning ones wait for the promise, which is fine because they
// run on the peer's ops goroutine, never inside a JS callback.
type rtcConn struct{ v js.Value }

func newConn(cfg Config) (*rtcConn, error) {
	if jsRTCPeerConnection.Type() != js.TypeFunction {
		return nil, errNoWebRTC
	}
	v, err := jsNew(jsRTCPeerConnection, cfg.rtcConfig().toJS())
	if err != nil {
		return nil, err
	}
	return &rtcConn{v: v}, nil
}

// toJS builds the RTCConfiguration object, leaving zero members out.
func (c Configuration) toJS() js.Value {
	o := jsObject.New()
	if len(c.ICEServers) > 0 {
		servers := jsArray.New(len(c.ICEServers))
		for i, s := range c.ICEServers {
			srv := jsObject.New()
			urls := jsArray.New(len(s.URLs))
			for j, u := range s.URLs {
				urls.SetIndex(j, u)
			}
			srv.Set("urls", urls)
			if s.Username != "" {
				srv.Set("username", s.Username)
			}
			if s.Credential != "" {
				srv.Set("credential", s.Credential)
			}
			servers.SetIndex(i, srv)
		}
		o.Set("iceServers", servers)
	}
	if c.ICETransportPolicy != "" {
		o.Set("iceTransportPolicy", string(c.ICETransportPolicy))
	}
	if c.BundlePolicy != "" {
		o.Set("bundlePolicy", string(c.BundlePolicy))
	}
	if c.RTCPMuxPolicy != "" {
		o.Set("rtcpMuxPolicy", string(c.RTCPMuxPolicy))
	}
	if c.ICECandidatePoolSize != 0 {
		o.Set("iceCandidatePoolSize", int(c.ICECandidatePoolSize))
	}
	return o
}

// JSValue is the browser's RTCPeerConnection.
func (c *rtcConn) JSValue() js.Value { return c.v }

// PeerConnection returns the browser's RTCPeerConnection.
func (p *Peer) PeerConnection() js.Value { return p.pc.v }

func (c *rtcConn) setRemoteDescription(typ, sdp string) error {
	return c.await("setRemoteDescription", description(typ, sdp))
}

// remoteType is the remote description's type, "" while there is none.
func (c *rtcConn) remoteType() string {
	typ, _ := readDescription(c.v.Get("remoteDescription"))
	return typ
}

// localDescription is the current local description ("" type: none).
func (c *rtcConn) localDescription() (typ, sdp string) {
	return readDescription(c.v.Get("localDescription"))
}

// pendingLocalSDP is the SDP of a local description not yet answered, or "".
func (c *rtcConn) pendingLocalSDP() string {
	_, sdp := readDescription(c.v.Get("pendingLocalDescription"))
	return sdp
}

func (c *rtcConn) createOffer() (string, error) { return c.create("createOffer") }

func (c *rtcConn) createAnswer() (string, error) { return c.create("createAnswer") }

func (c *rtcConn) create(method string) (string, error) {
	p, err := jsCall(c.v, method)
	if err != nil {
		return "", err
	}
	d, err := await(p)
	if err != nil {
		return "", err
	}
	return d.Get("sdp").String(), nil
}

func (c *rtcConn) setLocalDescription(typ, sdp string) error {
	return c.await("setLocalDescription", description(typ, sdp))
}

func (c *rtcConn) addICECandidate(ci ICECandidateInit) error {
	o := jsObject.New()
	o.Set("candidate", ci.Candidate)
	o.Set("sdpMid", nullable(ci.SDPMid))
	if ci.SDPMLineIndex != nil {
		o.Set("sdpMLineIndex", int(*ci.SDPMLineIndex))
	} else {
		o.Set("sdpMLineIndex", js.Null())
	}
	o.Set("usernameFragment", nullable(ci.UsernameFragment))
	return c.await("addIceCandidate", o)
}

func (c *rtcConn) signalingState() string { return c.v.Get("signalingState").String() }

// addRecvonlyTransceiver adds a recvonly transceiver of kind ("audio" or
// "video", checked by the caller).
func (c *rtcConn) addRecvonlyTransceiver(kind string) error {
	init := jsObject.New()
	init.Set("direction", "recvonly")
	_, err := jsCall(c.v, "addTransceiver", kind, init)
	return err
}

func (c *rtcConn) close() error {
	_, err := jsCall(c.v, "close")
	return err
}

// await calls c.v[method](args...) and waits for the promise it returns.
func (c *rtcConn) await(method string, args ...any) error {
	p, err := jsCall(c.v, method, args...)
	if err != nil {
		return err
	}
	_, err = await(p)
	return err
}

// await waits for promise to settle. The callbacks only hand the outcome to a
// buffered channel, so they never block the browser.
func await(promise js.Value) (js.Value, error) {
	type outcome struct {
		v   js.Value
		err error
	}
	done := make(chan outcome, 1)
	ok := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- outcome{v: arg0(args)}
		return nil
	})
	defer ok.Release()
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- outcome{err: js.Error{Value: arg0(args)}}
		return nil
	})
	defer fail.Release()
	promise.Call("then", ok, fail)
	o := <-done
	return o.v, o.err
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// description is an RTCSessionDescriptionInit.
func description(typ, sdp string) js.Value {
	o := jsObject.New()
	o.Set("type", typ)
	o.Set("sdp", sdp)
	return o
}

// readDescription reads an RTCSessionDescription ("" type for null).
func readDescription(v js.Value) (typ, sdp string) {
	if v.IsNull() || v.IsUndefined() {
		return "", ""
	}
	return v.Get("type").String(), v.Get("sdp").String()
}

func nullable(s *string) any {
	if s == nil {
		return js.Null()
	}
	return *s
}

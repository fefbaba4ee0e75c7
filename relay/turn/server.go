package turn

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/pion/logging"
	pionturn "github.com/pion/turn/v5"
)

// Defaults. Each says why.
const (
	// DefaultPort is the IANA port for TURN (and STUN) over UDP and TCP.
	DefaultPort = 3478
	// DefaultRealm names the server in its authentication challenges.
	DefaultRealm = "posthorn"
	// DefaultMinPort and DefaultMaxPort bound the UDP ports relayed
	// allocations use (the dynamic range); open them in the firewall.
	DefaultMinPort = 49152
	DefaultMaxPort = 65535
	// DefaultMaxAllocations bounds all allocations; each holds a UDP socket
	// and a goroutine.
	DefaultMaxAllocations = 4096
	// DefaultMaxAllocationsPerIP bounds the allocations of one client
	// address. A browser takes one per peer connection and TURN URL, so a
	// page in a room of 30 peers with a UDP and a TCP URL takes 60.
	DefaultMaxAllocationsPerIP = 128
	// DefaultCredentialTTL is how long credentials minted by Credentials
	// stay valid: long enough for a page that stays open for a day.
	DefaultCredentialTTL = 24 * time.Hour
)

// ErrConfig reports a Config that cannot be served.
var ErrConfig = errors.New("turn: bad config")

// Config configures a Server.
type Config struct {
	// Addr is the host:port listened on with UDP and TCP; empty means
	// ":3478".
	Addr string
	// PublicIP is the address clients and their peers reach the server at,
	// advertised in relayed candidates. Required.
	PublicIP net.IP
	// Secret is the shared secret credentials are minted with. Required.
	Secret string
	// Realm; empty means DefaultRealm.
	Realm string
	// MinPort and MaxPort bound the relayed UDP ports; zero means the
	// defaults.
	MinPort, MaxPort uint16
	// MaxAllocations and MaxAllocationsPerIP cap allocations; zero means
	// the defaults.
	MaxAllocations      int
	MaxAllocationsPerIP int
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Server is a running TURN server. Start it with Start, stop it with Close.
type Server struct {
	srv  *pionturn.Server
	udp  net.PacketConn
	tcp  net.Listener
	cfg  Config
	mu   sync.Mutex
	n    int
	byIP map[string]int
}

// Start listens on cfg.Addr (UDP and TCP) and serves TURN.
func Start(cfg Config) (*Server, error) {
	if cfg.PublicIP == nil || cfg.Secret == "" {
		return nil, fmt.Errorf("%w: PublicIP and Secret are required", ErrConfig)
	}
	if cfg.Addr == "" {
		cfg.Addr = ":" + strconv.Itoa(DefaultPort)
	}
	if cfg.Realm == "" {
		cfg.Realm = DefaultRealm
	}
	if cfg.MinPort == 0 {
		cfg.MinPort = DefaultMinPort
	}
	if cfg.MaxPort == 0 {
		cfg.MaxPort = DefaultMaxPort
	}
	if cfg.MaxAllocations <= 0 {
		cfg.MaxAllocations = DefaultMaxAllocations
	}
	if cfg.MaxAllocationsPerIP <= 0 {
		cfg.MaxAllocationsPerIP = DefaultMaxAllocationsPerIP
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, byIP: map[string]int{}}
	var err error
	if s.udp, err = net.ListenPacket("udp", cfg.Addr); err != nil {
		return nil, fmt.Errorf("turn: %w", err)
	}
	if s.tcp, err = net.Listen("tcp", s.udp.LocalAddr().String()); err != nil {
		s.udp.Close()
		return nil, fmt.Errorf("turn: %w", err)
	}
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelWarn
	relayGen := func() pionturn.RelayAddressGenerator {
		return &pionturn.RelayAddressGeneratorPortRange{
			RelayAddress: cfg.PublicIP, Address: bindAddr(cfg.Addr),
			MinPort: cfg.MinPort, MaxPort: cfg.MaxPort,
		}
	}
	s.srv, err = pionturn.NewServer(pionturn.ServerConfig{
		Realm:             cfg.Realm,
		AuthHandler:       pionturn.LongTermTURNRESTAuthHandler(cfg.Secret, lf.NewLogger("turn")),
		QuotaHandler:      s.quota,
		EventHandler:      pionturn.EventHandler{OnAllocationCreated: s.created, OnAllocationDeleted: s.deleted},
		LoggerFactory:     lf,
		PacketConnConfigs: []pionturn.PacketConnConfig{{PacketConn: s.udp, RelayAddressGenerator: relayGen()}},
		ListenerConfigs:   []pionturn.ListenerConfig{{Listener: s.tcp, RelayAddressGenerator: relayGen()}},
	})
	if err != nil {
		s.udp.Close()
		s.tcp.Close()
		return nil, fmt.Errorf("turn: %w", err)
	}
	cfg.Logger.Info("TURN listening", "udp", s.udp.LocalAddr().String(), "tcp", s.tcp.Addr().String(), "public_ip", cfg.PublicIP.String())
	return s, nil
}

// bindAddr is the host relayed sockets bind to: the listen host, or all.
func bindAddr(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return "0.0.0.0"
	}
	return host
}

// Port returns the port listened on (useful when Config.Addr asked for 0).
func (s *Server) Port() int { return s.udp.LocalAddr().(*net.UDPAddr).Port }

// Allocations returns the live allocations.
func (s *Server) Allocations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Close stops the server and frees every allocation.
func (s *Server) Close() error { return s.srv.Close() }

func hostOf(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

func (s *Server) quota(_, _ string, src net.Addr) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n < s.cfg.MaxAllocations && s.byIP[hostOf(src)] < s.cfg.MaxAllocationsPerIP
}

func (s *Server) created(src, _ net.Addr, _, _, _ string, _ net.Addr, _ int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	s.byIP[hostOf(src)]++
}

func (s *Server) deleted(src, _ net.Addr, _, _, _ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n--
	if s.byIP[hostOf(src)]--; s.byIP[hostOf(src)] <= 0 {
		delete(s.byIP, hostOf(src))
	}
}

// Credentials mints a username and password valid for ttl (zero means
// DefaultCredentialTTL) for user, in the convention the server checks.
func Credentials(secret, user string, ttl time.Duration) (username, password string) {
	if ttl == 0 {
		ttl = DefaultCredentialTTL
	}
	username, password, err := pionturn.GenerateLongTermTURNRESTCredentials(secret, user, ttl)
	if err != nil {
		panic("turn: HMAC cannot fail: " + err.Error())
	}
	return username, password
}

//go:build linux

package peer

import (
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestBufferedNetSockets checks that every way bufferedNet opens a UDP socket
// asks the kernel for udpSocketBuffer (Linux doubles the request and caps it
// at net.core.rmem_max / wmem_max), and that interfaces are listed.
func TestBufferedNetSockets(t *testing.T) {
	n := newBufferedNet()
	ifs, err := n.Interfaces()
	if err != nil || len(ifs) == 0 {
		t.Fatalf("Interfaces: %d, %v", len(ifs), err)
	}
	if _, err := n.InterfaceByName(ifs[0].Name); err != nil {
		t.Fatalf("InterfaceByName(%q): %v", ifs[0].Name, err)
	}
	if _, err := n.InterfaceByIndex(ifs[0].Index); err != nil {
		t.Fatalf("InterfaceByIndex(%d): %v", ifs[0].Index, err)
	}
	lo := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}
	open := []struct {
		name string
		open func() (syscall.Conn, error)
	}{
		{"ListenUDP", func() (syscall.Conn, error) {
			c, err := n.ListenUDP("udp4", lo)
			if err != nil {
				return nil, err
			}
			return c.(syscall.Conn), nil
		}},
		{"ListenPacket", func() (syscall.Conn, error) {
			c, err := n.ListenPacket("udp4", "127.0.0.1:0")
			if err != nil {
				return nil, err
			}
			return c.(syscall.Conn), nil
		}},
		{"DialUDP", func() (syscall.Conn, error) {
			c, err := n.DialUDP("udp4", nil, &net.UDPAddr{IP: lo.IP, Port: 9})
			if err != nil {
				return nil, err
			}
			return c.(syscall.Conn), nil
		}},
	}
	for _, tt := range open {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.open()
			if err != nil {
				t.Fatal(err)
			}
			defer c.(interface{ Close() error }).Close()
			for _, o := range []struct {
				opt    int
				sysctl string
			}{{syscall.SO_RCVBUF, "rmem_max"}, {syscall.SO_SNDBUF, "wmem_max"}} {
				want := 2 * min(udpSocketBuffer, sysctlInt(t, "/proc/sys/net/core/"+o.sysctl))
				if got := sockopt(t, c, o.opt); got < want {
					t.Errorf("%s: %d bytes, want >= %d", o.sysctl, got, want)
				}
			}
		})
	}
}

func sockopt(t *testing.T, c syscall.Conn, opt int) int {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var gerr error
	if err := rc.Control(func(fd uintptr) { v, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, opt) }); err != nil {
		t.Fatal(err)
	}
	if gerr != nil {
		t.Fatal(gerr)
	}
	return v
}

func sysctlInt(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("cannot read %s: %v", path, err)
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

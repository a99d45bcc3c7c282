package embedded

import (
	"encoding/binary"
	"net"
	"strconv"
	"sync"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// handshakeListener wraps a broker's listener so that every successful
// SaslHandshake response kfake writes lists the enabled mechanisms, as a
// real broker's does. Everything else passes through byte for byte.
type handshakeListener struct {
	net.Listener
	mechanisms func() []string
	// advertised, when set, is the address reported by Addr, which kfake
	// names in metadata: the host clients reach the broker by, which
	// differs from a wildcard listen address.
	advertised net.Addr
}

// listen is the kfake.ListenFn of the embedded cluster. kfake asks for a
// loopback address; the port is kept and the host replaced by the
// configured listen host.
func (c *compat) listen(network, address string) (net.Listener, error) {
	if c.listenHost != "" {
		_, port, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		address = net.JoinHostPort(c.listenHost, port)
	}
	ln, err := net.Listen(network, address)
	if err != nil {
		return nil, err
	}
	l := handshakeListener{Listener: ln, mechanisms: c.supportedMechanisms}
	c.mu.Lock()
	if c.localAddr == "" {
		c.localAddr = localAddr(ln.Addr().(*net.TCPAddr))
	}
	c.mu.Unlock()
	host := c.advertisedHost
	if host == "" && c.listenHost != "" && net.ParseIP(c.listenHost).IsUnspecified() {
		host = "localhost"
	}
	if host != "" {
		port := ln.Addr().(*net.TCPAddr).Port
		l.advertised = advertisedAddr{network: ln.Addr().Network(), hostPort: net.JoinHostPort(host, strconv.Itoa(port))}
	}
	return l, nil
}

// localAddr is an address of this host that reaches a listener on addr:
// loopback for a wildcard address.
func localAddr(addr *net.TCPAddr) string {
	ip := addr.IP
	if ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(addr.Port))
}

// Addr returns the advertised address when one is set.
func (l handshakeListener) Addr() net.Addr {
	if l.advertised != nil {
		return l.advertised
	}
	return l.Listener.Addr()
}

// advertisedAddr is a broker address by host name, which net.TCPAddr
// cannot hold.
type advertisedAddr struct{ network, hostPort string }

func (a advertisedAddr) Network() string { return a.network }
func (a advertisedAddr) String() string  { return a.hostPort }

func (l handshakeListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &handshakeConn{Conn: conn, mechanisms: l.mechanisms, handshakes: make(map[int32]int16)}, nil
}

// frameHeader is what a request frame starts with: its size, then the
// request header's key, version and correlation id.
const frameHeader = 4 + 2 + 2 + 4

// handshakeConn watches the requests kfake reads for SaslHandshakes and
// amends their responses as kfake writes them.
type handshakeConn struct {
	net.Conn
	mechanisms func() []string

	// Read side, used only by kfake's reading goroutine: the header of the
	// request being read and how much of its body is still to come.
	header     [frameHeader]byte
	headerLen  int
	bodyToSkip int

	mu         sync.Mutex
	handshakes map[int32]int16 // correlation id → SaslHandshake request version

	// Write side, used only by kfake's writing goroutine: bytes of a
	// response frame not yet complete.
	pending []byte
}

func (c *handshakeConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.track(p[:n])
	return n, err
}

// track follows request frames through the bytes read and records the
// correlation id and version of every SaslHandshake.
func (c *handshakeConn) track(b []byte) {
	for len(b) > 0 {
		if c.bodyToSkip > 0 {
			n := min(c.bodyToSkip, len(b))
			c.bodyToSkip -= n
			b = b[n:]
			continue
		}
		n := copy(c.header[c.headerLen:], b)
		c.headerLen += n
		b = b[n:]
		if c.headerLen < frameHeader {
			return
		}
		c.headerLen = 0
		size := int(binary.BigEndian.Uint32(c.header[0:4]))
		c.bodyToSkip = max(size-(frameHeader-4), 0)
		key := int16(binary.BigEndian.Uint16(c.header[4:6]))
		if key == int16(kmsg.SASLHandshake) {
			version := int16(binary.BigEndian.Uint16(c.header[6:8]))
			corr := int32(binary.BigEndian.Uint32(c.header[8:12]))
			c.mu.Lock()
			c.handshakes[corr] = version
			c.mu.Unlock()
		}
	}
}

// Write passes complete response frames on, amending handshake responses.
// kfake writes one whole frame per call; a partial frame is held until the
// rest arrives.
func (c *handshakeConn) Write(p []byte) (int, error) {
	c.pending = append(c.pending, p...)
	for len(c.pending) >= 8 {
		end := 4 + int(binary.BigEndian.Uint32(c.pending[0:4]))
		if len(c.pending) < end {
			break
		}
		frame := c.amend(c.pending[:end])
		if _, err := c.Conn.Write(frame); err != nil {
			c.pending = nil
			return 0, err
		}
		c.pending = c.pending[end:]
	}
	if len(c.pending) == 0 {
		c.pending = nil
	}
	return len(p), nil
}

// amend returns frame, or, for the response to a SaslHandshake that
// succeeded without naming any mechanism, a copy that names them.
func (c *handshakeConn) amend(frame []byte) []byte {
	corr := int32(binary.BigEndian.Uint32(frame[4:8]))
	c.mu.Lock()
	version, ok := c.handshakes[corr]
	delete(c.handshakes, corr)
	c.mu.Unlock()
	if !ok {
		return frame
	}
	resp := kmsg.NewPtrSASLHandshakeResponse()
	resp.Version = version
	if err := resp.ReadFrom(frame[8:]); err != nil || resp.ErrorCode != 0 || len(resp.SupportedMechanisms) > 0 {
		return frame
	}
	resp.SupportedMechanisms = c.mechanisms()
	out := append([]byte(nil), frame[:8]...)
	out = resp.AppendTo(out)
	binary.BigEndian.PutUint32(out[0:4], uint32(len(out)-4))
	return out
}

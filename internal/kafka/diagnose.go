package kafka

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// probeTimeout bounds each raw probe; a listener that answers nothing in
// this time is treated as not speaking the probed protocol.
const probeTimeout = 3 * time.Second

// helloTimeout is how long a TLS handshake waits for the listener's first
// bytes before asking, on a second connection, whether it speaks plaintext
// Kafka. A plaintext broker reads a ClientHello as the size of a huge
// request and waits for the rest, so without this a TLS client waits out
// its whole timeout and reports only "i/o timeout".
const helloTimeout = 2 * time.Second

// probeMechanism is the SASL mechanism named in a handshake that only asks
// which mechanisms a listener enables. No broker enables it, so brokers
// answer UNSUPPORTED_SASL_MECHANISM with their list; naming a real one
// (PLAIN) would let a broker that accepts it answer with no list at all.
const probeMechanism = "KAFKATENANT-PROBE"

// errNoServerHello explains a TLS connection refused because the listener
// speaks plaintext Kafka.
var errNoServerHello = fmt.Errorf("no TLS ServerHello came back within %s, and the listener answered a plaintext Kafka ApiVersions request", helloTimeout)

// errClosedOnHello explains the same when the listener closed the
// connection, or answered with bytes that are not TLS, instead.
var errClosedOnHello = errors.New("the listener answered the TLS ClientHello without a TLS record (it closed the connection or sent other bytes), " +
	"and it answered a plaintext Kafka ApiVersions request")

// dialTLS returns the dial function for kgo.Dialer that opens TLS
// connections as kgo's own TLS dialer does (the host of the address is the
// server name unless tc sets one), bounded by timeout, and that tells a
// plaintext listener apart within helloTimeout: when no TLS record comes
// back in time, or the listener closes the connection or sends something
// else, and a plaintext ApiVersions request is answered, the dial fails at
// once with a *ConnectError of kind ConnectTLSToPlaintext, which the client
// does not retry. A slow TLS listener is waited for as before.
func dialTLS(tc *tls.Config, timeout time.Duration) func(ctx context.Context, network, host string) (net.Conn, error) {
	return func(ctx context.Context, network, host string) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		raw, err := (&net.Dialer{}).DialContext(ctx, network, host)
		if err != nil {
			return nil, err
		}
		cfg := tc.Clone()
		if cfg.ServerName == "" {
			if server, _, err := net.SplitHostPort(host); err == nil {
				cfg.ServerName = server
			}
		}
		watch := &helloWatch{Conn: raw, ctx: ctx, addr: host}
		conn := tls.Client(watch, cfg)
		if err := conn.HandshakeContext(ctx); err != nil {
			_ = raw.Close()
			if watch.plaintext != nil {
				return nil, watch.plaintext
			}
			var rec tls.RecordHeaderError
			// A listener that closes with the rest of the hello unread
			// resets the connection instead of ending it.
			closed := errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
			if (errors.As(err, &rec) || (!watch.answered && closed)) && probePlaintext(context.WithoutCancel(ctx), host) {
				return nil, &ConnectError{Kind: ConnectTLSToPlaintext, Addr: host, Err: errClosedOnHello}
			}
			return nil, err
		}
		return conn, nil
	}
}

// helloWatch wraps the connection under a TLS handshake and watches for the
// listener's first bytes; see dialTLS.
type helloWatch struct {
	net.Conn
	ctx  context.Context
	addr string
	// answered is set once the listener sent anything.
	answered bool
	// plaintext is set when the listener turned out to speak plaintext.
	plaintext *ConnectError
}

func (w *helloWatch) Read(p []byte) (int, error) {
	if w.answered {
		return w.Conn.Read(p)
	}
	if err := w.Conn.SetReadDeadline(time.Now().Add(helloTimeout)); err != nil {
		return 0, err
	}
	n, err := w.Conn.Read(p)
	var ne net.Error
	if n == 0 && errors.As(err, &ne) && ne.Timeout() && w.ctx.Err() == nil {
		if probePlaintext(w.ctx, w.addr) {
			w.plaintext = &ConnectError{Kind: ConnectTLSToPlaintext, Addr: w.addr, Err: errNoServerHello}
			return 0, w.plaintext
		}
		// A slow TLS listener: wait for it as long as the dial allows.
		if err := w.Conn.SetReadDeadline(time.Time{}); err != nil {
			return 0, err
		}
		n, err = w.Conn.Read(p)
	}
	if n > 0 {
		w.answered = true
		if derr := w.Conn.SetReadDeadline(time.Time{}); derr != nil && err == nil {
			err = derr
		}
	}
	return n, err
}

// diagnose explains err, a failure of the first request to the cluster, by
// probing the first reachable bootstrap server with raw protocol exchanges:
// can a TCP connection be opened, does the listener speak TLS or plaintext,
// which SASL mechanisms does it enable. It returns a *ConnectError whenever
// a probe explains the failure, and err wrapped as ConnectUnknown otherwise.
//
// The probes exist because several servers, kfake among them, close the
// connection on a failed authentication instead of answering with an error,
// which a client otherwise reports as a bare EOF.
func diagnose(ctx context.Context, cfg Config, err error) error {
	var ce *ConnectError
	if errors.As(err, &ce) {
		return ce
	}
	base := &ConnectError{Addr: cfg.BootstrapServers[0], Err: err}
	if cfg.SASL != nil {
		base.Mechanism = cfg.SASL.Mechanism
		if UsesPassword(cfg.SASL.Mechanism) {
			base.Username = cfg.SASL.Username
		}
	}
	if errors.Is(err, kerr.SaslAuthenticationFailed) {
		base.Kind = ConnectSASLAuth
		return base
	}
	// Token and credential failures happen in this process, before any
	// broker is asked: the error says what they are.
	var tokenErr *TokenError
	if errors.As(err, &tokenErr) {
		base.Kind, base.Err = ConnectOAuthEndpoint, tokenErr
		if _, rejected := tokenErr.Rejected(); rejected {
			base.Kind = ConnectOAuthRejected
		}
		return base
	}
	var awsErr *AWSCredentialsError
	if errors.As(err, &awsErr) {
		base.Kind, base.Err = ConnectAWSCredentials, awsErr
		return base
	}

	// The probes get their own time, at most the timeout again: the call
	// that failed has usually used all of its own.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(4*probeTimeout, cfg.timeout()))
	defer cancel()

	// A seed that is down (a broker in maintenance) must not hide why the
	// live ones refused: probe the first seed that accepts a connection.
	addr, dialErr := firstReachable(ctx, cfg.BootstrapServers)
	if dialErr != nil {
		base.Kind, base.Addr, base.Err = ConnectUnreachable, strings.Join(cfg.BootstrapServers, ", "), dialErr
		return base
	}
	base.Addr = addr

	speaksPlain := probePlaintext(ctx, addr)
	if !speaksPlain && errors.Is(err, context.DeadlineExceeded) && !cfg.tlsEnabled() {
		// The listener accepts connections and answers nothing, not even
		// a plaintext request: a frozen or overloaded broker, which the
		// timeout explains better than any probe.
		return base
	}
	if cfg.tlsEnabled() {
		if speaksPlain {
			base.Kind = ConnectTLSToPlaintext
			return base
		}
		var verr *tls.CertificateVerificationError
		if errors.As(err, &verr) || isTLSError(err) {
			base.Kind = ConnectTLSHandshake
			return base
		}
	} else if !speaksPlain && probeTLS(ctx, addr) {
		base.Kind = ConnectPlaintextToTLS
		return base
	}

	enabled, handshakeErr := probeSASLHandshake(ctx, cfg, addr)
	switch {
	case handshakeErr != nil:
		// The listener does not answer a handshake; the original error is
		// the best explanation there is.
		base.Kind = ConnectUnknown
	case cfg.SASL == nil && len(enabled) > 0:
		base.Kind, base.EnabledMechanisms = ConnectSASLRequired, enabled
	case cfg.SASL != nil && !slices.Contains(enabled, cfg.SASL.Mechanism):
		base.Kind, base.EnabledMechanisms = ConnectSASLMechanism, enabled
	case cfg.SASL != nil:
		// The mechanism is enabled, so the credentials were refused,
		// whether the server said so or just closed the connection.
		base.Kind, base.EnabledMechanisms = ConnectSASLAuth, enabled
	}
	return base
}

// firstReachable returns the first address that accepts a TCP connection,
// or every dial error when none does.
func firstReachable(ctx context.Context, addrs []string) (string, error) {
	var errs []error
	for _, addr := range addrs {
		conn, err := (&net.Dialer{Timeout: probeTimeout}).DialContext(ctx, "tcp", addr)
		if err == nil {
			_ = conn.Close()
			return addr, nil
		}
		errs = append(errs, err)
	}
	return "", errors.Join(errs...)
}

// isTLSError reports whether err came from the TLS layer: a bad record, an
// alert from the server, or a certificate that did not verify.
func isTLSError(err error) bool {
	var (
		rec      tls.RecordHeaderError
		alert    tls.AlertError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	return errors.As(err, &rec) || errors.As(err, &alert) || errors.As(err, &unknown) ||
		errors.As(err, &hostname) || errors.As(err, &invalid)
}

// probePlaintext reports whether addr answers a plaintext ApiVersions
// request with a well-formed Kafka response.
func probePlaintext(ctx context.Context, addr string) bool {
	conn, err := (&net.Dialer{Timeout: probeTimeout}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer conn.Close()
	req := kmsg.NewPtrApiVersionsRequest()
	req.Version = 0
	resp, err := roundTrip(conn, req)
	return err == nil && resp != nil
}

// probeTLS reports whether addr completes a TLS handshake. Verification is
// skipped: the probe asks only which protocol the listener speaks.
func probeTLS(ctx context.Context, addr string) bool {
	d := &tls.Dialer{
		NetDialer: &net.Dialer{Timeout: probeTimeout},
		Config:    &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, //nolint:gosec // protocol detection only, nothing is sent
	}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}

// probeSASLHandshake sends a SaslHandshake naming the configured mechanism
// (or probeMechanism when SASL is off) and returns the mechanisms the
// listener enables. A listener without SASL answers with an illegal-state error or
// closes the connection, which is reported as an error.
func probeSASLHandshake(ctx context.Context, cfg Config, addr string) ([]string, error) {
	var (
		conn net.Conn
		err  error
	)
	if cfg.tlsEnabled() {
		tc, terr := cfg.TLS.config()
		if terr != nil {
			return nil, terr
		}
		conn, err = (&tls.Dialer{NetDialer: &net.Dialer{Timeout: probeTimeout}, Config: tc}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = (&net.Dialer{Timeout: probeTimeout}).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	mech := probeMechanism
	if cfg.SASL != nil {
		mech = cfg.SASL.Mechanism
	}
	req := kmsg.NewPtrSASLHandshakeRequest()
	req.Version = 1
	req.Mechanism = mech
	raw, err := roundTrip(conn, req)
	if err != nil {
		return nil, err
	}
	resp, ok := raw.(*kmsg.SASLHandshakeResponse)
	if !ok {
		return nil, fmt.Errorf("unexpected response %T to a SASL handshake", raw)
	}
	switch {
	case resp.ErrorCode == 0:
		// The handshake accepted mech; real brokers also list the others.
		if !slices.Contains(resp.SupportedMechanisms, mech) {
			return append(resp.SupportedMechanisms, mech), nil
		}
		return resp.SupportedMechanisms, nil
	case resp.ErrorCode == kerr.UnsupportedSaslMechanism.Code:
		return resp.SupportedMechanisms, nil
	default:
		return nil, kerr.ErrorForCode(resp.ErrorCode)
	}
}

// roundTrip writes one request with correlation id 1 and reads its
// response. Only non-flexible request versions are used, whose response
// headers carry the correlation id alone.
func roundTrip(conn net.Conn, req kmsg.Request) (kmsg.Response, error) {
	if err := conn.SetDeadline(time.Now().Add(probeTimeout)); err != nil {
		return nil, err
	}
	frame := kmsg.NewRequestFormatter(kmsg.FormatterClientID(DefaultClientID)).AppendRequest(nil, req, 1)
	if _, err := conn.Write(frame); err != nil {
		return nil, err
	}
	r := bufio.NewReader(conn)
	var size int32
	if err := binary.Read(r, binary.BigEndian, &size); err != nil {
		return nil, err
	}
	if size < 4 || size > 1<<20 {
		return nil, fmt.Errorf("response size %d is not a Kafka frame", size)
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	if corr := int32(binary.BigEndian.Uint32(buf)); corr != 1 {
		return nil, fmt.Errorf("correlation id %d, want 1", corr)
	}
	resp := req.ResponseKind()
	if err := resp.ReadFrom(buf[4:]); err != nil {
		return nil, err
	}
	return resp, nil
}

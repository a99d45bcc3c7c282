package kafka_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// The diagnose tests drive a real client against in-process kfake clusters
// and check that each misconfiguration is explained by the right kind.

const (
	testUser     = "admin"
	testPassword = "diagnose-secret-7f3a"
	testTimeout  = 3 * time.Second
)

// testCA is a throwaway certificate authority and a server certificate it
// signed for 127.0.0.1.
type testCA struct {
	certPEM    string
	serverCert tls.Certificate
}

func newTestCA(t *testing.T) testCA {
	t.Helper()
	caKey, caDER := issue(t, &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "kafkatenant test CA"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}, nil, nil)
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	srvKey, srvDER := issue(t, &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, caCert, caKey)
	return testCA{
		certPEM:    string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})),
		serverCert: tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey},
	}
}

// issue makes a key and a certificate from tmpl valid for an hour, signed
// by parent's key, or self-signed when parent is nil.
func issue(t *testing.T, tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	return key, der
}

// startCluster starts a one-broker kfake cluster with a SCRAM-SHA-512
// superuser, optionally behind TLS, and returns its address.
func startCluster(t *testing.T, serverTLS *tls.Config) string {
	t.Helper()
	opts := []kfake.Opt{
		kfake.EnableSASL(),
		kfake.Superuser(kafka.MechanismScramSHA512, testUser, testPassword),
	}
	if serverTLS != nil {
		opts = append(opts, kfake.TLS(serverTLS))
	}
	return startKfake(t, opts...).ListenAddrs()[0]
}

// startKfake starts a one-broker kfake cluster with opts; without opts the
// listener has neither SASL nor TLS.
func startKfake(t *testing.T, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func goodSASL() *kafka.SASLConfig {
	return &kafka.SASLConfig{Mechanism: kafka.MechanismScramSHA512, Username: testUser, Password: testPassword}
}

// ping connects with cfg and returns the error, checking that no error
// text carries the password.
func ping(t *testing.T, cfg kafka.Config) error {
	t.Helper()
	cfg.Timeout = testTimeout
	c := kafka.NewClient(cfg)
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := c.Ping(ctx)
	if err != nil && cfg.SASL != nil && cfg.SASL.Password != "" && strings.Contains(err.Error(), cfg.SASL.Password) {
		t.Errorf("the connection error contains the password: %v", err)
	}
	return err
}

// wantKind asserts err is a *kafka.ConnectError of the given kind naming
// addr.
func wantKind(t *testing.T, err error, kind kafka.ConnectErrorKind, addr string) *kafka.ConnectError {
	t.Helper()
	if err == nil {
		t.Fatalf("Ping succeeded, want a connection error of kind %d", kind)
	}
	var ce *kafka.ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("Ping error %T %q is not a *kafka.ConnectError", err, err)
	}
	if ce.Kind != kind {
		t.Fatalf("ConnectError kind = %d, want %d; error: %v", ce.Kind, kind, err)
	}
	if ce.Addr != addr {
		t.Errorf("ConnectError addr = %q, want %q", ce.Addr, addr)
	}
	return ce
}

func TestPing_succeedsWithGoodCredentials(t *testing.T) {
	t.Parallel()
	addr := startCluster(t, nil)
	if err := ping(t, kafka.Config{BootstrapServers: []string{addr}, SASL: goodSASL()}); err != nil {
		t.Fatalf("Ping with the superuser's credentials: %v", err)
	}
}

func TestPing_succeedsOverTLSWithTrustedCA(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	addr := startCluster(t, &tls.Config{Certificates: []tls.Certificate{ca.serverCert}, MinVersion: tls.VersionTLS12})
	err := ping(t, kafka.Config{
		BootstrapServers: []string{addr},
		SASL:             goodSASL(),
		TLS:              &kafka.TLSConfig{Enabled: true, CAPEM: ca.certPEM},
	})
	if err != nil {
		t.Fatalf("Ping over TLS with the signing CA: %v", err)
	}
}

func TestPing_unreachable(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	start := time.Now()
	err := ping(t, kafka.Config{BootstrapServers: []string{addr}})
	wantKind(t, err, kafka.ConnectUnreachable, addr)
	if !strings.Contains(err.Error(), "cannot open a TCP connection to "+addr) {
		t.Errorf("error %q does not say the TCP connection failed", err)
	}
	// The client's retries are bounded by the configured timeout; the
	// probes add little on top.
	if elapsed := time.Since(start); elapsed > 4*testTimeout {
		t.Errorf("diagnosing an unreachable broker took %s", elapsed)
	}
}

func TestPing_tlsToPlaintext(t *testing.T) {
	t.Parallel()
	addr := startKfake(t).ListenAddrs()[0]
	err := ping(t, kafka.Config{
		BootstrapServers: []string{addr},
		TLS:              &kafka.TLSConfig{Enabled: true, InsecureSkipVerify: true},
	})
	wantKind(t, err, kafka.ConnectTLSToPlaintext, addr)
}

func TestPing_plaintextToTLS(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	addr := startCluster(t, &tls.Config{Certificates: []tls.Certificate{ca.serverCert}, MinVersion: tls.VersionTLS12})
	err := ping(t, kafka.Config{BootstrapServers: []string{addr}, SASL: goodSASL()})
	wantKind(t, err, kafka.ConnectPlaintextToTLS, addr)
}

func TestPing_tlsUntrustedCA(t *testing.T) {
	t.Parallel()
	serverCA, otherCA := newTestCA(t), newTestCA(t)
	addr := startCluster(t, &tls.Config{Certificates: []tls.Certificate{serverCA.serverCert}, MinVersion: tls.VersionTLS12})
	err := ping(t, kafka.Config{
		BootstrapServers: []string{addr},
		SASL:             goodSASL(),
		TLS:              &kafka.TLSConfig{Enabled: true, CAPEM: otherCA.certPEM},
	})
	wantKind(t, err, kafka.ConnectTLSHandshake, addr)
}

// TestPing_saslRejected covers credentials kfake refuses by closing the
// connection. kfake's SASL handshake accepts PLAIN, SCRAM-SHA-256 and
// SCRAM-SHA-512 alike and drops the connection when no credential exists
// for the mechanism, so on kfake a wrong mechanism is indistinguishable
// from a wrong password and is reported as ConnectSASLAuth. A real broker
// answers the handshake with its enabled mechanisms, which diagnose turns
// into ConnectSASLMechanism.
func TestPing_saslRejected(t *testing.T) {
	t.Parallel()
	addr := startCluster(t, nil)
	cases := map[string]kafka.SASLConfig{
		"wrong password":  {Mechanism: kafka.MechanismScramSHA512, Username: testUser, Password: "not-the-password-91c2"},
		"unknown user":    {Mechanism: kafka.MechanismScramSHA512, Username: "nobody", Password: testPassword},
		"wrong mechanism": {Mechanism: kafka.MechanismScramSHA256, Username: testUser, Password: testPassword},
	}
	for name, sasl := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := ping(t, kafka.Config{BootstrapServers: []string{addr}, SASL: &sasl})
			ce := wantKind(t, err, kafka.ConnectSASLAuth, addr)
			if ce.Username != sasl.Username || ce.Mechanism != sasl.Mechanism {
				t.Errorf("ConnectError names %s user %q, want %s user %q", ce.Mechanism, ce.Username, sasl.Mechanism, sasl.Username)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", sasl.Username)) {
				t.Errorf("error %q does not name the user", err)
			}
		})
	}
}

// Real brokers answer a handshake for a mechanism they do not enable with
// UNSUPPORTED_SASL_MECHANISM and the list they do enable. kfake accepts
// every mechanism, so the test makes its handshake behave like a broker
// that enables SCRAM-SHA-512 alone.
func TestPing_saslMechanismNotEnabled(t *testing.T) {
	t.Parallel()
	c := startKfake(t, kfake.EnableSASL(), kfake.Superuser(kafka.MechanismScramSHA512, testUser, testPassword))
	c.ControlKey(kmsg.SASLHandshake.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		hs := req.(*kmsg.SASLHandshakeRequest)
		if hs.Mechanism == kafka.MechanismScramSHA512 {
			return nil, nil, false
		}
		resp := hs.ResponseKind().(*kmsg.SASLHandshakeResponse)
		resp.ErrorCode = kerr.UnsupportedSaslMechanism.Code
		resp.SupportedMechanisms = []string{kafka.MechanismScramSHA512}
		return resp, nil, true
	})
	addr := c.ListenAddrs()[0]
	sasl := goodSASL()
	sasl.Mechanism = kafka.MechanismPlain
	err := ping(t, kafka.Config{BootstrapServers: []string{addr}, SASL: sasl})
	ce := wantKind(t, err, kafka.ConnectSASLMechanism, addr)
	if !slices.Equal(ce.EnabledMechanisms, []string{kafka.MechanismScramSHA512}) {
		t.Errorf("EnabledMechanisms = %v, want [%s]", ce.EnabledMechanisms, kafka.MechanismScramSHA512)
	}

	// The broker still accepts the mechanism it enables.
	if err := ping(t, kafka.Config{BootstrapServers: []string{addr}, SASL: goodSASL()}); err != nil {
		t.Errorf("Ping with the enabled mechanism: %v", err)
	}
}

func TestPing_saslRequired(t *testing.T) {
	t.Parallel()
	addr := startCluster(t, nil)
	err := ping(t, kafka.Config{BootstrapServers: []string{addr}})
	ce := wantKind(t, err, kafka.ConnectSASLRequired, addr)
	if len(ce.EnabledMechanisms) == 0 {
		t.Errorf("ConnectError lists no enabled mechanisms for a SASL listener")
	}
}

func TestPing_connectErrorIsSticky(t *testing.T) {
	t.Parallel()
	addr := closedPort(t)
	c := kafka.NewClient(kafka.Config{BootstrapServers: []string{addr}, Timeout: testTimeout})
	t.Cleanup(c.Close)
	first := c.Ping(context.Background())
	wantKind(t, first, kafka.ConnectUnreachable, addr)
	// A second call must not dial and diagnose again.
	start := time.Now()
	second := c.Ping(context.Background())
	if second != first { //nolint:errorlint // the very value remembered, not an equivalent error
		t.Errorf("second Ping returned %v, want the remembered %v", second, first)
	}
	if elapsed := time.Since(start); elapsed > 100*time.Millisecond {
		t.Errorf("second Ping took %s, want the remembered error at once", elapsed)
	}
}

func TestPing_invalidConfigNeedsNoBroker(t *testing.T) {
	t.Parallel()
	c := kafka.NewClient(kafka.Config{})
	t.Cleanup(c.Close)
	err := c.Ping(context.Background())
	if err == nil || !strings.Contains(err.Error(), "KAFKATENANT_BOOTSTRAP_SERVERS") {
		t.Fatalf("Ping without bootstrap servers = %v, want the configuration error", err)
	}
}

// A dead first seed must not hide the real failure at the live ones.
func TestPing_explainsAtTheFirstReachableSeed(t *testing.T) {
	t.Parallel()
	dead, live := closedPort(t), startCluster(t, nil)
	sasl := goodSASL()
	sasl.Password = "not-the-password-3b7e"
	err := ping(t, kafka.Config{BootstrapServers: []string{dead, live}, SASL: sasl})
	wantKind(t, err, kafka.ConnectSASLAuth, live)

	if err := ping(t, kafka.Config{BootstrapServers: []string{dead, live}, SASL: goodSASL()}); err != nil {
		t.Errorf("Ping with one dead seed and good credentials: %v", err)
	}
}

func TestPing_unreachableNamesEverySeed(t *testing.T) {
	t.Parallel()
	first, second := closedPort(t), closedPort(t)
	err := ping(t, kafka.Config{BootstrapServers: []string{first, second}})
	ce := wantKind(t, err, kafka.ConnectUnreachable, first+", "+second)
	for _, seed := range []string{first, second} {
		if !strings.Contains(errors.Unwrap(ce).Error(), "dial tcp "+seed) {
			t.Errorf("error %q does not give the dial error of %s", ce.Error(), seed)
		}
	}
}

// A plaintext listener reads a TLS ClientHello as the size of a huge request
// and waits for the rest. The diagnosis must not wait out the client's
// timeout (30 s here) nor report "i/o timeout": no ServerHello within a
// couple of seconds plus a plaintext answer says what is wrong.
func TestPing_tlsToPlaintextIsDiagnosedWithinSeconds(t *testing.T) {
	t.Parallel()
	addr := startKfake(t).ListenAddrs()[0]
	c := kafka.NewClient(kafka.Config{
		BootstrapServers: []string{addr},
		Timeout:          30 * time.Second,
		TLS:              &kafka.TLSConfig{Enabled: true, InsecureSkipVerify: true},
	})
	t.Cleanup(c.Close)
	start := time.Now()
	err := c.Ping(context.Background())
	elapsed := time.Since(start)
	wantKind(t, err, kafka.ConnectTLSToPlaintext, addr)
	if elapsed > 6*time.Second {
		t.Errorf("diagnosing TLS against a plaintext listener took %s, want a few seconds", elapsed)
	}
	if strings.Contains(err.Error(), "i/o timeout") || !strings.Contains(err.Error(), "no TLS ServerHello came back within 2s") {
		t.Errorf("error %q does not say why in the listener's own terms", err)
	}
}

// Apache Kafka closes a connection whose first frame claims more than
// socket.request.max.bytes (100 MiB by default), which is what a TLS
// ClientHello's first bytes read as. closingPlaintextListener puts that
// behaviour in front of a kfake listener.
func closingPlaintextListener(t *testing.T, backend string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				var size [4]byte
				if _, err := io.ReadFull(conn, size[:]); err != nil || binary.BigEndian.Uint32(size[:]) > 100<<20 {
					return
				}
				up, err := net.Dial("tcp", backend)
				if err != nil {
					return
				}
				defer up.Close()
				if _, err := up.Write(size[:]); err != nil {
					return
				}
				go func() { _, _ = io.Copy(up, conn) }()
				_, _ = io.Copy(conn, up)
			}()
		}
	}()
	return l.Addr().String()
}

func TestPing_tlsToPlaintextThatClosesOnTheHello(t *testing.T) {
	t.Parallel()
	addr := closingPlaintextListener(t, startKfake(t).ListenAddrs()[0])
	c := kafka.NewClient(kafka.Config{
		BootstrapServers: []string{addr},
		Timeout:          30 * time.Second,
		TLS:              &kafka.TLSConfig{Enabled: true, InsecureSkipVerify: true},
	})
	t.Cleanup(c.Close)
	start := time.Now()
	err := c.Ping(context.Background())
	wantKind(t, err, kafka.ConnectTLSToPlaintext, addr)
	if elapsed := time.Since(start); elapsed > 6*time.Second {
		t.Errorf("diagnosis took %s", elapsed)
	}
	if !strings.Contains(err.Error(), "answered the TLS ClientHello without a TLS record") {
		t.Errorf("error %q does not say the listener answered without TLS", err)
	}
}

// Without a sasl block, the diagnosis lists what the broker's SaslHandshake
// offers, not the mechanism the probe happened to name. The broker here
// enables SCRAM-SHA-512 alone, as real brokers answer a handshake.
func TestPing_saslRequiredListsTheBrokersMechanisms(t *testing.T) {
	t.Parallel()
	c := startKfake(t, kfake.EnableSASL(), kfake.Superuser(kafka.MechanismScramSHA512, testUser, testPassword))
	c.ControlKey(kmsg.SASLHandshake.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		hs := req.(*kmsg.SASLHandshakeRequest)
		if hs.Mechanism == kafka.MechanismScramSHA512 {
			return nil, nil, false
		}
		resp := hs.ResponseKind().(*kmsg.SASLHandshakeResponse)
		resp.ErrorCode = kerr.UnsupportedSaslMechanism.Code
		resp.SupportedMechanisms = []string{kafka.MechanismScramSHA512}
		return resp, nil, true
	})
	addr := c.ListenAddrs()[0]
	ce := wantKind(t, ping(t, kafka.Config{BootstrapServers: []string{addr}}), kafka.ConnectSASLRequired, addr)
	if !slices.Equal(ce.EnabledMechanisms, []string{kafka.MechanismScramSHA512}) {
		t.Errorf("EnabledMechanisms = %v, want [%s]", ce.EnabledMechanisms, kafka.MechanismScramSHA512)
	}

	// kfake itself accepts a PLAIN handshake without listing anything; the
	// probe must still learn the SCRAM mechanism its users log in with.
	plain := startCluster(t, nil)
	ce = wantKind(t, ping(t, kafka.Config{BootstrapServers: []string{plain}}), kafka.ConnectSASLRequired, plain)
	if !slices.Contains(ce.EnabledMechanisms, kafka.MechanismScramSHA512) {
		t.Errorf("EnabledMechanisms = %v, want SCRAM-SHA-512 among them", ce.EnabledMechanisms)
	}
}

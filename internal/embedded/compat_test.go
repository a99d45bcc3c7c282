package embedded

import (
	"bufio"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// kfakeMechanisms is what kfake names for a mechanism it does not know.
var kfakeMechanisms = []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}

func startCluster(t *testing.T) *Cluster {
	t.Helper()
	c, err := Start(Options{Brokers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// dial opens an unauthenticated connection for raw requests.
func dial(t *testing.T, addr string) *bufio.ReadWriter {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	return bufio.NewReadWriter(bufio.NewReader(conn), bufio.NewWriter(conn))
}

func apiVersions(t *testing.T, rw *bufio.ReadWriter, version int16, edit func(*kmsg.ApiVersionsRequest)) *kmsg.ApiVersionsResponse {
	t.Helper()
	req := kmsg.NewPtrApiVersionsRequest()
	req.Version = version
	req.ClientSoftwareName, req.ClientSoftwareVersion = "librdkafka", "2.0.2"
	if edit != nil {
		edit(req)
	}
	resp := req.ResponseKind().(*kmsg.ApiVersionsResponse)
	if err := roundTrip(rw, 7, req, resp); err != nil {
		t.Fatalf("ApiVersions v%d: %v", version, err)
	}
	return resp
}

func keyRange(resp *kmsg.ApiVersionsResponse, key kmsg.Key) (int16, int16, bool) {
	for _, k := range resp.ApiKeys {
		if k.ApiKey == int16(key) {
			return k.MinVersion, k.MaxVersion, true
		}
	}
	return 0, 0, false
}

// The embedded cluster advertises exactly what kfake does, except that
// SaslHandshake starts at version 0, at every ApiVersions version the
// clients send (KafkaJS v2, librdkafka v3, franz-go v4 and v5).
func TestApiVersions_widensSASLHandshakeOnly(t *testing.T) {
	plain, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "admin", "pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	own, _, err := probe(plain.ListenAddrs()[0])
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi, _ := keyRange(own, kmsg.SASLHandshake); lo != 1 || hi != 1 {
		t.Fatalf("kfake itself advertises SaslHandshake %d..%d; this test assumes 1..1", lo, hi)
	}

	c := startCluster(t)
	rw := dial(t, c.BootstrapServers()[0])
	for _, v := range []int16{0, 1, 2, 3, 4, 5} {
		resp := apiVersions(t, rw, v, nil)
		if resp.ErrorCode != 0 {
			t.Fatalf("v%d: %v", v, kerr.ErrorForCode(resp.ErrorCode))
		}
		if lo, hi, ok := keyRange(resp, kmsg.SASLHandshake); !ok || lo != 0 || hi != 1 {
			t.Errorf("v%d advertises SaslHandshake %d..%d (present %t), want 0..1", v, lo, hi, ok)
		}
		if len(resp.ApiKeys) != len(own.ApiKeys) {
			t.Errorf("v%d advertises %d keys, kfake %d", v, len(resp.ApiKeys), len(own.ApiKeys))
		}
		for _, k := range own.ApiKeys {
			lo, hi, ok := keyRange(resp, kmsg.Key(k.ApiKey))
			if k.ApiKey != int16(kmsg.SASLHandshake) && (!ok || lo != k.MinVersion || hi != k.MaxVersion) {
				t.Errorf("v%d advertises %s %d..%d, kfake %d..%d", v, kmsg.NameForKey(k.ApiKey), lo, hi, k.MinVersion, k.MaxVersion)
			}
		}
		if v >= 3 && len(resp.SupportedFeatures) != len(own.SupportedFeatures) {
			t.Errorf("v%d lists features %v, kfake %v", v, resp.SupportedFeatures, own.SupportedFeatures)
		}
	}
}

// What kfake refuses, it still refuses: the served answer is only for
// requests kfake would answer successfully.
func TestApiVersions_kfakeStillAnswersErrors(t *testing.T) {
	c := startCluster(t)
	rw := dial(t, c.BootstrapServers()[0])

	resp := apiVersions(t, rw, 5, func(r *kmsg.ApiVersionsRequest) {
		other := "another-cluster"
		r.ClusterID, r.NodeID = &other, 0
	})
	if !errors.Is(kerr.ErrorForCode(resp.ErrorCode), kerr.RebootstrapRequired) {
		t.Errorf("a v5 request for another cluster got %v, want REBOOTSTRAP_REQUIRED", kerr.ErrorForCode(resp.ErrorCode))
	}
	resp = apiVersions(t, rw, 5, func(r *kmsg.ApiVersionsRequest) {
		id := ClusterID
		r.ClusterID, r.NodeID = &id, 0
	})
	if resp.ErrorCode != 0 {
		t.Errorf("a v5 request naming this cluster and node got %v", kerr.ErrorForCode(resp.ErrorCode))
	}
	resp = apiVersions(t, rw, 3, func(r *kmsg.ApiVersionsRequest) { r.ClientSoftwareName = "-bad name" })
	if !errors.Is(kerr.ErrorForCode(resp.ErrorCode), kerr.InvalidRequest) {
		t.Errorf("an invalid software name got %v, want INVALID_REQUEST", kerr.ErrorForCode(resp.ErrorCode))
	}
}

func handshake(t *testing.T, rw *bufio.ReadWriter, mechanism string) *kmsg.SASLHandshakeResponse {
	t.Helper()
	req := kmsg.NewPtrSASLHandshakeRequest()
	req.Version = 1
	req.Mechanism = mechanism
	resp := req.ResponseKind().(*kmsg.SASLHandshakeResponse)
	if err := roundTrip(rw, 9, req, resp); err != nil {
		t.Fatalf("SaslHandshake %s: %v", mechanism, err)
	}
	return resp
}

// A successful handshake names the enabled mechanisms, as KafkaJS
// requires, and leaves the connection ready for SaslAuthenticate.
func TestSASLHandshake_listsMechanisms(t *testing.T) {
	c := startCluster(t)
	rw := dial(t, c.BootstrapServers()[0])
	resp := handshake(t, rw, "SCRAM-SHA-512")
	if resp.ErrorCode != 0 || !slices.Equal(resp.SupportedMechanisms, kfakeMechanisms) {
		t.Fatalf("handshake answered %v with %v, want success listing %v", kerr.ErrorForCode(resp.ErrorCode), resp.SupportedMechanisms, kfakeMechanisms)
	}
	// kfake moved the connection into its SCRAM stage: a client-first
	// message gets the server-first message back.
	auth := kmsg.NewPtrSASLAuthenticateRequest()
	auth.SASLAuthBytes = []byte("n,,n=admin,r=abcdefghijklmnop")
	authResp := auth.ResponseKind().(*kmsg.SASLAuthenticateResponse)
	if err := roundTrip(rw, 10, auth, authResp); err != nil {
		t.Fatal(err)
	}
	if authResp.ErrorCode != 0 || len(authResp.SASLAuthBytes) == 0 {
		t.Errorf("SaslAuthenticate after the handshake answered %v with %q, want the server-first message", kerr.ErrorForCode(authResp.ErrorCode), authResp.SASLAuthBytes)
	}

	// An unknown mechanism keeps kfake's own error and list.
	resp = handshake(t, dial(t, c.BootstrapServers()[0]), "GSSAPI")
	if !errors.Is(kerr.ErrorForCode(resp.ErrorCode), kerr.UnsupportedSaslMechanism) || !slices.Equal(resp.SupportedMechanisms, kfakeMechanisms) {
		t.Errorf("handshake for GSSAPI answered %v with %v", kerr.ErrorForCode(resp.ErrorCode), resp.SupportedMechanisms)
	}
}

// The amending connection follows frames however the reads and writes
// split them.
func TestHandshakeConn_splitFrames(t *testing.T) {
	server, client := net.Pipe()
	defer server.Close()
	defer client.Close()
	conn := &handshakeConn{Conn: server, mechanisms: func() []string { return []string{"SCRAM-SHA-512"} }, handshakes: map[int32]int16{}}

	other := kmsg.NewPtrMetadataRequest()
	hs := kmsg.NewPtrSASLHandshakeRequest()
	hs.Version, hs.Mechanism = 1, "SCRAM-SHA-512"
	f := kmsg.NewRequestFormatter()
	// Each frame is formatted on its own: AppendRequest sizes from the
	// start of the slice it is given.
	requests := append(f.AppendRequest(nil, other, 41), f.AppendRequest(nil, hs, 42)...)
	go func() { _, _ = client.Write(requests) }()
	one := make([]byte, 1)
	for range requests {
		if _, err := io.ReadFull(conn, one); err != nil {
			t.Fatal(err)
		}
	}

	resp := hs.ResponseKind().(*kmsg.SASLHandshakeResponse)
	frame := resp.AppendTo([]byte{0, 0, 0, 0, 0, 0, 0, 42})
	frame[3] = byte(len(frame) - 4)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, part := range [][]byte{frame[:3], frame[3:9], frame[9:]} {
			if n, err := conn.Write(part); err != nil || n != len(part) {
				t.Errorf("Write = %d, %v", n, err)
			}
		}
	}()
	got := kmsg.NewPtrSASLHandshakeResponse()
	got.Version = 1
	if err := roundTripRead(client, 42, got); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if !slices.Equal(got.SupportedMechanisms, []string{"SCRAM-SHA-512"}) {
		t.Errorf("amended response lists %v", got.SupportedMechanisms)
	}
}

func roundTripRead(r io.Reader, corr int32, resp kmsg.Response) error {
	var size [4]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return err
	}
	body := make([]byte, int(size[0])<<24|int(size[1])<<16|int(size[2])<<8|int(size[3]))
	if _, err := io.ReadFull(r, body); err != nil {
		return err
	}
	if got := int32(body[0])<<24 | int32(body[1])<<16 | int32(body[2])<<8 | int32(body[3]); got != corr {
		return errors.New("wrong correlation id")
	}
	return resp.ReadFrom(body[4:])
}

// Observers see every request, ApiVersions included, although the
// embedded cluster answers ApiVersions itself.
func TestObserve_seesApiVersions(t *testing.T) {
	c := startCluster(t)
	var (
		mu   sync.Mutex
		seen = map[int16]int{}
	)
	c.Observe(func(r kmsg.Request) {
		mu.Lock()
		seen[r.Key()]++
		mu.Unlock()
	})
	rw := dial(t, c.BootstrapServers()[0])
	apiVersions(t, rw, 3, nil)
	handshake(t, rw, "SCRAM-SHA-512")
	mu.Lock()
	defer mu.Unlock()
	if seen[int16(kmsg.ApiVersions)] != 1 || seen[int16(kmsg.SASLHandshake)] != 1 {
		t.Errorf("observed %v, want one ApiVersions and one SaslHandshake", seen)
	}
}

package embedded

// kfake answers two connection set-up requests in ways that lock out the
// most used non-Go clients, although it would accept their logins:
//
//   - ApiVersions advertises SaslHandshake (key 17) at versions 1..1.
//     librdkafka (kcat, confluent-kafka-python/-go/-dotnet) enables SCRAM
//     only when that range includes version 0 ("SASL Handshake not
//     supported by broker"), although it then sends version 1 and
//     authenticates with SaslAuthenticate, which kfake serves.
//   - A successful SaslHandshake lists no mechanisms. KafkaJS checks that
//     the list names the mechanism it asked for ("SASL SCRAM-SHA-512
//     mechanism is not supported by the server"); real brokers always list
//     their enabled mechanisms.
//
// The first is fixed with kfake's control hooks: at start the cluster's own
// ApiVersions answer is read once, key 17's minimum is widened to 0, and a
// control function serves that answer. The second cannot be: a control
// function answers *instead of* kfake's handler, and the handshake's
// handler is also what moves the connection into its SASL stage, which no
// hook can do. So the handshake response kfake writes is amended on the
// wire, through kfake's ListenFn option, with the mechanisms the cluster
// itself names when asked for one it does not know. Neither change forks
// kfake.

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// probeClientID names the start-up probe's requests in kfake's logs.
const probeClientID = "kafkatenant-embedded"

// probeTimeout bounds the start-up probe of the cluster's own answers.
const probeTimeout = 10 * time.Second

// compat holds what the embedded cluster serves in place of kfake's own
// answers, and the observers of every request.
type compat struct {
	clusterID string
	// listenHost and advertisedHost are Options.ListenHost and
	// Options.AdvertisedHost.
	listenHost, advertisedHost string
	// localAddr reaches the first broker from this process by address,
	// whatever host it advertises, which may not resolve here (a
	// container's host name for its clients).
	localAddr string

	mu         sync.Mutex
	versions   *kmsg.ApiVersionsResponse // the cluster's answer, key 17 widened; nil until probed
	mechanisms []string                  // what the cluster names for an unknown mechanism
	observers  []func(kmsg.Request)
}

// observe registers fn to see every request that reaches the control chain.
func (c *compat) observe(fn func(kmsg.Request)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.observers = append(c.observers, fn)
}

// install reads the cluster's own ApiVersions answer and handshake
// mechanisms from addr, then adds the control function that serves the
// widened ApiVersions answer and calls the observers.
func (c *compat) install(fake *kfake.Cluster, addr string) error {
	versions, mechanisms, err := probe(addr)
	if err != nil {
		return fmt.Errorf("reading the cluster's own ApiVersions and SASL answers: %w", err)
	}
	for i, k := range versions.ApiKeys {
		if k.ApiKey == int16(kmsg.SASLHandshake) {
			versions.ApiKeys[i].MinVersion = 0
		}
	}
	c.mu.Lock()
	c.versions, c.mechanisms = versions, mechanisms
	c.mu.Unlock()

	fake.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		c.mu.Lock()
		observers := slices.Clone(c.observers)
		c.mu.Unlock()
		for _, fn := range observers {
			fn(req)
		}
		av, ok := req.(*kmsg.ApiVersionsRequest)
		if !ok {
			return nil, nil, false
		}
		resp := c.apiVersions(av, fake.CurrentNode())
		return resp, nil, resp != nil
	})
	return nil
}

// apiVersions answers req from the widened copy of the cluster's answer,
// or returns nil for every request kfake answers with an error (a version
// above its own, an invalid software name, a request meant for another
// cluster or node), so that kfake's handler answers those itself.
func (c *compat) apiVersions(req *kmsg.ApiVersionsRequest, node int32) *kmsg.ApiVersionsResponse {
	c.mu.Lock()
	cached := c.versions
	c.mu.Unlock()
	if cached == nil || req.Version > maxVersion(cached, int16(kmsg.ApiVersions)) {
		return nil
	}
	if req.Version >= 3 && (!softwareName.MatchString(req.ClientSoftwareName) || !softwareName.MatchString(req.ClientSoftwareVersion)) {
		return nil
	}
	if req.Version >= 5 {
		hasCluster, hasNode := req.ClusterID != nil, req.NodeID != -1
		if hasCluster != hasNode || hasCluster && (*req.ClusterID != c.clusterID || req.NodeID != node) {
			return nil
		}
	}
	resp := req.ResponseKind().(*kmsg.ApiVersionsResponse)
	resp.ApiKeys = slices.Clone(cached.ApiKeys)
	resp.SupportedFeatures = slices.Clone(cached.SupportedFeatures)
	resp.FinalizedFeatures = slices.Clone(cached.FinalizedFeatures)
	resp.FinalizedFeaturesEpoch = cached.FinalizedFeaturesEpoch
	return resp
}

// softwareName is the pattern Kafka requires of ApiVersions v3+
// ClientSoftwareName and ClientSoftwareVersion.
var softwareName = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$`)

func maxVersion(resp *kmsg.ApiVersionsResponse, key int16) int16 {
	for _, k := range resp.ApiKeys {
		if k.ApiKey == key {
			return k.MaxVersion
		}
	}
	return -1
}

// supportedMechanisms returns the mechanisms to list in a successful
// handshake response.
func (c *compat) supportedMechanisms() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mechanisms
}

// probe asks the broker at addr, on one unauthenticated connection, for its
// ApiVersions (v3, the first version carrying feature levels) and for the
// mechanisms it names when a handshake asks for one it does not know.
func probe(addr string) (*kmsg.ApiVersionsResponse, []string, error) {
	conn, err := net.DialTimeout("tcp", addr, probeTimeout)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(probeTimeout)); err != nil {
		return nil, nil, err
	}
	rw := bufio.NewReadWriter(bufio.NewReader(conn), bufio.NewWriter(conn))

	av := kmsg.NewPtrApiVersionsRequest()
	av.Version = 3
	av.ClientSoftwareName, av.ClientSoftwareVersion = probeClientID, "1"
	versions := av.ResponseKind().(*kmsg.ApiVersionsResponse)
	if err := roundTrip(rw, 1, av, versions); err != nil {
		return nil, nil, fmt.Errorf("ApiVersions: %w", err)
	}
	if err := kerr.ErrorForCode(versions.ErrorCode); err != nil {
		return nil, nil, fmt.Errorf("ApiVersions: %w", err)
	}

	hs := kmsg.NewPtrSASLHandshakeRequest()
	hs.Version = 1
	hs.Mechanism = "KAFKATENANT-PROBE"
	handshake := hs.ResponseKind().(*kmsg.SASLHandshakeResponse)
	if err := roundTrip(rw, 2, hs, handshake); err != nil {
		return nil, nil, fmt.Errorf("SaslHandshake: %w", err)
	}
	if handshake.ErrorCode != kerr.UnsupportedSaslMechanism.Code || len(handshake.SupportedMechanisms) == 0 {
		return nil, nil, fmt.Errorf("SaslHandshake for an unknown mechanism answered error code %d with mechanisms %v, want UNSUPPORTED_SASL_MECHANISM and a list",
			handshake.ErrorCode, handshake.SupportedMechanisms)
	}
	return versions, handshake.SupportedMechanisms, nil
}

// roundTrip writes req and reads its response into resp. Both requests the
// probe sends have responses whose header is the correlation id alone
// (ApiVersions always, SaslHandshake v1 as a non-flexible version).
func roundTrip(rw *bufio.ReadWriter, corr int32, req kmsg.Request, resp kmsg.Response) error {
	frame := kmsg.NewRequestFormatter(kmsg.FormatterClientID(probeClientID)).AppendRequest(nil, req, corr)
	if _, err := rw.Write(frame); err != nil {
		return err
	}
	if err := rw.Flush(); err != nil {
		return err
	}
	var size [4]byte
	if _, err := io.ReadFull(rw, size[:]); err != nil {
		return err
	}
	body := make([]byte, binary.BigEndian.Uint32(size[:]))
	if _, err := io.ReadFull(rw, body); err != nil {
		return err
	}
	if len(body) < 4 || int32(binary.BigEndian.Uint32(body)) != corr {
		return errors.New("the response does not carry the request's correlation id")
	}
	return resp.ReadFrom(body[4:])
}

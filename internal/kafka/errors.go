package kafka

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound reports that the named object does not exist on the cluster.
// Callers test for it with errors.Is.
var ErrNotFound = errors.New("not found on the cluster")

// ErrAlreadyExists reports that an object to be created exists already.
var ErrAlreadyExists = errors.New("already exists on the cluster")

// ConnectErrorKind classifies why the provider could not talk to the
// cluster, so that callers can tell the operator what to check.
type ConnectErrorKind int

// The kinds of connection failure Diagnose tells apart.
const (
	// ConnectUnknown is a failure none of the probes could explain.
	ConnectUnknown ConnectErrorKind = iota
	// ConnectUnreachable means no TCP connection could be opened.
	ConnectUnreachable
	// ConnectTLSToPlaintext means TLS is enabled but the listener speaks
	// plaintext Kafka.
	ConnectTLSToPlaintext
	// ConnectPlaintextToTLS means TLS is off but the listener expects TLS.
	ConnectPlaintextToTLS
	// ConnectTLSHandshake means TLS was spoken on both sides but the
	// handshake failed, usually certificate verification.
	ConnectTLSHandshake
	// ConnectSASLRequired means the listener expects SASL and none is
	// configured.
	ConnectSASLRequired
	// ConnectSASLMechanism means the configured mechanism is not enabled on
	// the listener.
	ConnectSASLMechanism
	// ConnectSASLAuth means authentication was attempted and rejected,
	// either with an error or, on some servers, by closing the connection.
	ConnectSASLAuth
	// ConnectOAuthEndpoint means the OAuth token endpoint could not be
	// reached, so no token was presented.
	ConnectOAuthEndpoint
	// ConnectOAuthRejected means the OAuth token endpoint refused the
	// client-credentials request (client id, secret or scope).
	ConnectOAuthRejected
	// ConnectAWSCredentials means no AWS credentials were found for
	// AWS_MSK_IAM, or the role could not be assumed.
	ConnectAWSCredentials
)

// ConnectError explains a failure to reach or authenticate to the cluster.
// It carries the facts the probes established; the provider turns them into
// an operator-facing message.
type ConnectError struct {
	// Kind is the failure class.
	Kind ConnectErrorKind
	// Addr is the broker address that was probed; for ConnectUnreachable,
	// every bootstrap address, comma-separated.
	Addr string
	// Mechanism and Username are the configured SASL settings, if any.
	Mechanism string
	Username  string
	// EnabledMechanisms lists what the listener offered, when known.
	EnabledMechanisms []string
	// Err is the underlying error from the client or the probe.
	Err error
}

// Error describes the failure without any secret.
func (e *ConnectError) Error() string {
	var what string
	switch e.Kind {
	case ConnectUnreachable:
		what = "cannot open a TCP connection to " + e.Addr
	case ConnectTLSToPlaintext:
		what = "TLS is enabled but the listener at " + e.Addr + " speaks plaintext"
	case ConnectPlaintextToTLS:
		what = "TLS is disabled but the listener at " + e.Addr + " expects TLS"
	case ConnectTLSHandshake:
		what = "the TLS handshake with " + e.Addr + " failed"
	case ConnectSASLRequired:
		what = "the listener at " + e.Addr + " requires SASL authentication and none is configured"
	case ConnectSASLMechanism:
		what = fmt.Sprintf("the listener at %s does not enable SASL mechanism %s (enabled: %s)",
			e.Addr, e.Mechanism, strings.Join(e.EnabledMechanisms, ", "))
	case ConnectSASLAuth:
		if e.Username == "" {
			what = fmt.Sprintf("SASL %s authentication was rejected by %s", e.Mechanism, e.Addr)
		} else {
			what = fmt.Sprintf("SASL %s authentication as %q was rejected by %s", e.Mechanism, e.Username, e.Addr)
		}
	case ConnectOAuthEndpoint, ConnectOAuthRejected:
		what = "no OAuth token for SASL OAUTHBEARER"
	case ConnectAWSCredentials:
		what = "no AWS credentials for SASL AWS_MSK_IAM"
	default:
		what = "cannot talk to the cluster at " + e.Addr
	}
	if e.Err != nil {
		return what + ": " + e.Err.Error()
	}
	return what
}

// Unwrap returns the underlying error.
func (e *ConnectError) Unwrap() error { return e.Err }

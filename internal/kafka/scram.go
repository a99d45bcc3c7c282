package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// SCRAMMechanisms are the SCRAM mechanisms a tenant credential can use.
var SCRAMMechanisms = []string{MechanismScramSHA256, MechanismScramSHA512}

// MinSCRAMIterations and MaxSCRAMIterations are Kafka's bounds.
const (
	MinSCRAMIterations = 4096
	MaxSCRAMIterations = 16384
)

// SCRAMCredential describes a stored credential; Kafka never returns the
// password or salted hash.
type SCRAMCredential struct {
	Mechanism  string
	Iterations int32
}

func scramMechanism(m string) (kadm.ScramMechanism, error) {
	switch m {
	case MechanismScramSHA256:
		return kadm.ScramSha256, nil
	case MechanismScramSHA512:
		return kadm.ScramSha512, nil
	}
	return 0, fmt.Errorf("SCRAM mechanism %q is not one of %s, %s", m, MechanismScramSHA256, MechanismScramSHA512)
}

// UpsertSCRAM creates or replaces the user's credential for a mechanism.
// The password is only sent, salted by the client, never logged or
// returned.
func (c *Client) UpsertSCRAM(ctx context.Context, user, mechanism string, iterations int32, password string) error {
	adm, err := c.admin(ctx)
	if err != nil {
		return err
	}
	mech, err := scramMechanism(mechanism)
	if err != nil {
		return err
	}
	res, err := adm.AlterUserSCRAMs(ctx, nil, []kadm.UpsertSCRAM{{
		User: user, Mechanism: mech, Iterations: iterations, Password: password,
	}})
	if err != nil {
		return fmt.Errorf("setting the %s credential of %q: %w", mechanism, user, err)
	}
	if err := res.Error(); err != nil {
		return fmt.Errorf("setting the %s credential of %q: %w", mechanism, user, err)
	}
	return nil
}

// DeleteSCRAM deletes the user's credential for a mechanism. A credential
// that does not exist is not an error.
func (c *Client) DeleteSCRAM(ctx context.Context, user, mechanism string) error {
	adm, err := c.admin(ctx)
	if err != nil {
		return err
	}
	mech, err := scramMechanism(mechanism)
	if err != nil {
		return err
	}
	res, err := adm.AlterUserSCRAMs(ctx, []kadm.DeleteSCRAM{{User: user, Mechanism: mech}}, nil)
	if err != nil {
		return fmt.Errorf("deleting the %s credential of %q: %w", mechanism, user, err)
	}
	if err := res.Error(); err != nil && !errors.Is(err, kerr.ResourceNotFound) {
		return fmt.Errorf("deleting the %s credential of %q: %w", mechanism, user, err)
	}
	return nil
}

// DescribeSCRAM returns the user's credentials, or an error wrapping
// ErrNotFound when the user has none.
func (c *Client) DescribeSCRAM(ctx context.Context, user string) ([]SCRAMCredential, error) {
	adm, err := c.admin(ctx)
	if err != nil {
		return nil, err
	}
	res, err := adm.DescribeUserSCRAMs(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("describing the credentials of %q: %w", user, err)
	}
	d, ok := res[user]
	if !ok || errors.Is(d.Err, kerr.ResourceNotFound) {
		return nil, fmt.Errorf("credentials of %q: %w", user, ErrNotFound)
	}
	if d.Err != nil {
		return nil, fmt.Errorf("describing the credentials of %q: %w", user, d.Err)
	}
	out := make([]SCRAMCredential, 0, len(d.CredInfos))
	for _, ci := range d.CredInfos {
		out = append(out, SCRAMCredential{Mechanism: ci.Mechanism.String(), Iterations: ci.Iterations})
	}
	return out, nil
}

// ListSCRAMUsers returns every user that has a SCRAM credential.
func (c *Client) ListSCRAMUsers(ctx context.Context) ([]string, error) {
	adm, err := c.admin(ctx)
	if err != nil {
		return nil, err
	}
	res, err := adm.DescribeUserSCRAMs(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing SCRAM users: %w", err)
	}
	var users []string
	for _, d := range res.Sorted() {
		if d.Err == nil {
			users = append(users, d.User)
		}
	}
	return users, nil
}

// SupportsIdempotentWriteByTopic reports whether the brokers let a
// principal with WRITE on any topic initialise an idempotent producer
// (KIP-679, Kafka 2.8). Older brokers need IDEMPOTENT_WRITE on the cluster.
// Kafka 2.8 is also the first release with DescribeCluster, which is what
// the check looks for.
func (c *Client) SupportsIdempotentWriteByTopic(ctx context.Context) (bool, error) {
	adm, err := c.admin(ctx)
	if err != nil {
		return false, err
	}
	versions, err := adm.ApiVersions(ctx)
	if err != nil {
		return false, fmt.Errorf("asking the brokers for their API versions: %w", err)
	}
	for _, bv := range versions.Sorted() {
		if bv.Err != nil {
			continue
		}
		if _, _, ok := bv.KeyVersions(60); !ok {
			return false, nil
		}
	}
	return true, nil
}

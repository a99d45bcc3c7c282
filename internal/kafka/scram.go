package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
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

// scramAlter is one UpsertSCRAM or DeleteSCRAM call waiting to be batched:
// a password to set, or none to delete the mechanism's credential.
type scramAlter struct {
	user, mechanism string
	iterations      int32
	password        string
	remove          bool
}

// UpsertSCRAM creates or replaces the user's credential for a mechanism.
// The password is only sent, salted by the client, never logged or
// returned. Concurrent calls share one AlterUserSCRAMCredentials request.
func (c *Client) UpsertSCRAM(ctx context.Context, user, mechanism string, iterations int32, password string) error {
	if _, err := scramMechanism(mechanism); err != nil {
		return err
	}
	if _, err := c.admin(ctx); err != nil {
		return err
	}
	_, err := c.alterSCRAMs.do(ctx, scramAlter{user: user, mechanism: mechanism, iterations: iterations, password: password})
	return err
}

// DeleteSCRAM deletes the user's credential for a mechanism. A credential
// that does not exist is not an error.
func (c *Client) DeleteSCRAM(ctx context.Context, user, mechanism string) error {
	if _, err := scramMechanism(mechanism); err != nil {
		return err
	}
	if _, err := c.admin(ctx); err != nil {
		return err
	}
	_, err := c.alterSCRAMs.do(ctx, scramAlter{user: user, mechanism: mechanism, remove: true})
	return err
}

func (c *Client) alterSCRAMBatch(ctx context.Context, alters []scramAlter) []batchResult[struct{}] {
	adm, err := c.admin(ctx)
	if err != nil {
		return failAll[struct{}](len(alters), err)
	}
	results := make([]batchResult[struct{}], len(alters))
	// Kafka takes one operation per user in a request.
	for _, run := range uniqueRuns(alters, func(a scramAlter) string { return a.user }) {
		var (
			dels    []kadm.DeleteSCRAM
			upserts []kadm.UpsertSCRAM
		)
		for _, i := range run {
			a := alters[i]
			mech, _ := scramMechanism(a.mechanism)
			if a.remove {
				dels = append(dels, kadm.DeleteSCRAM{User: a.user, Mechanism: mech})
			} else {
				upserts = append(upserts, kadm.UpsertSCRAM{User: a.user, Mechanism: mech, Iterations: a.iterations, Password: a.password})
			}
		}
		res, err := adm.AlterUserSCRAMs(ctx, dels, upserts)
		for _, i := range run {
			a := alters[i]
			verb := "setting"
			if a.remove {
				verb = "deleting"
			}
			r, ok := res[a.user]
			switch {
			case err != nil:
				results[i].err = fmt.Errorf("%s the %s credential of %q: %w", verb, a.mechanism, a.user, err)
			case !ok:
				results[i].err = fmt.Errorf("%s the %s credential of %q: the cluster did not answer for the user", verb, a.mechanism, a.user)
			case r.Err != nil && !(a.remove && errors.Is(r.Err, kerr.ResourceNotFound)):
				results[i].err = fmt.Errorf("%s the %s credential of %q: %w", verb, a.mechanism, a.user, withMessage(r.Err, r.ErrMessage))
			case a.remove:
				c.wrote(func(s *Snapshot) { s.deleteSCRAM(a.user, a.mechanism) })
			default:
				c.wrote(func(s *Snapshot) { s.setSCRAM(a.user, a.mechanism, a.iterations) })
			}
		}
	}
	return results
}

// DescribeSCRAM returns the user's credentials, or an error wrapping
// ErrNotFound when the user has none. It asks the cluster afresh.
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

// ListSCRAMUsers returns every user that has a SCRAM credential, sorted.
// It asks the cluster afresh; concurrent calls share one request.
func (c *Client) ListSCRAMUsers(ctx context.Context) ([]string, error) {
	users, err := c.allSCRAM.get(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Sorted(mapKeys(users)), nil
}

// describeSCRAMUsers returns every user's credentials in one request.
func (c *Client) describeSCRAMUsers(ctx context.Context) (map[string][]SCRAMCredential, error) {
	req := kmsg.NewPtrDescribeUserSCRAMCredentialsRequest()
	raw, err := c.read(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("listing SCRAM users: %w", err)
	}
	resp := raw.(*kmsg.DescribeUserSCRAMCredentialsResponse)
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, fmt.Errorf("listing SCRAM users: %w", withMessage(err, deref(resp.ErrorMessage)))
	}
	out := make(map[string][]SCRAMCredential, len(resp.Results))
	for _, r := range resp.Results {
		if r.ErrorCode != 0 {
			continue
		}
		for _, ci := range r.CredentialInfos {
			out[r.User] = append(out[r.User], SCRAMCredential{Mechanism: kadm.ScramMechanism(ci.Mechanism).String(), Iterations: ci.Iterations})
		}
	}
	return out, nil
}

func cloneSCRAMUsers(users map[string][]SCRAMCredential) map[string][]SCRAMCredential {
	out := make(map[string][]SCRAMCredential, len(users))
	for u, creds := range users {
		out[u] = slices.Clone(creds)
	}
	return out
}

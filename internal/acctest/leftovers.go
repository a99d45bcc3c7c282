package acctest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// IsTestName reports whether name belongs to a test object.
func IsTestName(name string) bool { return strings.HasPrefix(name, NamePrefix) }

// TestObjects are the objects on a cluster that acceptance tests created:
// everything named with NamePrefix. The sweepers delete them, and the
// check after a sweep requires that none is left.
type TestObjects struct {
	// Topics are topics named with the prefix, including registry topics
	// of the tests that keep a registry of their own.
	Topics []string
	// ACLs are bindings of a test principal or on a test resource name.
	ACLs []kafka.ACL
	// Quotas are quotas of an entity with a test name in any component.
	Quotas []kafka.ClientQuota
	// SCRAMUsers are users with a SCRAM credential and a test name.
	SCRAMUsers []string
	// Records are "kind/name" keys of live records of test objects in the
	// registry topic the suite shares.
	Records []string
}

// Count returns how many test objects there are.
func (o TestObjects) Count() int {
	return len(o.Topics) + len(o.ACLs) + len(o.Quotas) + len(o.SCRAMUsers) + len(o.Records)
}

// String lists the objects, one kind per line.
func (o TestObjects) String() string {
	var b strings.Builder
	line := func(kind string, items []string) {
		if len(items) > 0 {
			fmt.Fprintf(&b, "  %d %s: %s\n", len(items), kind, strings.Join(items, ", "))
		}
	}
	line("topics", o.Topics)
	acls := make([]string, len(o.ACLs))
	for i, a := range o.ACLs {
		acls[i] = a.String()
	}
	line("ACLs", acls)
	quotas := make([]string, len(o.Quotas))
	for i, q := range o.Quotas {
		quotas[i] = kafka.EntityKey(q.Entity)
	}
	line("quotas", quotas)
	line("SCRAM users", o.SCRAMUsers)
	line("registry records", o.Records)
	return b.String()
}

// FindTestObjects lists the test objects on the cluster c connects to.
func FindTestObjects(ctx context.Context, c *kafka.Client) (TestObjects, error) {
	var (
		o    TestObjects
		errs []error
	)
	if topics, err := c.ListTopics(ctx); err != nil {
		errs = append(errs, err)
	} else {
		for name := range topics {
			if IsTestName(name) {
				o.Topics = append(o.Topics, name)
			}
		}
		slices.Sort(o.Topics)
	}
	if acls, err := c.DescribeACLs(ctx, ""); err != nil {
		errs = append(errs, err)
	} else {
		for _, a := range acls {
			if strings.Contains(a.Principal, NamePrefix) || IsTestName(a.ResourceName) {
				o.ACLs = append(o.ACLs, a)
			}
		}
	}
	if quotas, err := c.DescribeQuotas(ctx); err != nil {
		errs = append(errs, err)
	} else {
		for _, q := range quotas {
			if slices.ContainsFunc(q.Entity, func(e kafka.QuotaComponent) bool { return IsTestName(e.Name) }) {
				o.Quotas = append(o.Quotas, q)
			}
		}
	}
	if users, err := c.ListSCRAMUsers(ctx); err != nil {
		errs = append(errs, err)
	} else {
		for _, u := range users {
			if IsTestName(u) {
				o.SCRAMUsers = append(o.SCRAMUsers, u)
			}
		}
	}
	if snap, err := c.RefreshRegistry(ctx); err != nil {
		errs = append(errs, err)
	} else {
		for key, r := range snap.Records {
			if IsTestName(r.Name) {
				o.Records = append(o.Records, key)
			}
		}
		slices.Sort(o.Records)
	}
	return o, errors.Join(errs...)
}

// checkSwept runs after the sweepers: it fails unless the cluster holds no
// test object. Topic deletion finishes asynchronously on a real broker, so
// it asks again for up to a minute before giving up.
func checkSwept(ctx context.Context, c *kafka.Client) error {
	deadline := time.Now().Add(time.Minute)
	for {
		left, err := FindTestObjects(ctx, c)
		switch {
		case err != nil:
			return fmt.Errorf("listing test objects after the sweep: %w", err)
		case left.Count() == 0:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("the sweep left %d test objects (names starting %s) on the cluster:\n%s", left.Count(), NamePrefix, left)
		}
		time.Sleep(2 * time.Second)
	}
}

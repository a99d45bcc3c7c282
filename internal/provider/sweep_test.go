package provider_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// Sweepers delete what failed acceptance runs left on a real cluster: every
// object whose name starts with acctest.NamePrefix. `make sweep` runs them
// against the cluster in the KAFKATENANT_* variables.
func init() {
	resource.AddTestSweepers("kafkatenant_quota", &resource.Sweeper{Name: "kafkatenant_quota", F: sweepQuotas})
	resource.AddTestSweepers("kafkatenant_acl", &resource.Sweeper{Name: "kafkatenant_acl", F: sweepACLs})
	resource.AddTestSweepers("kafkatenant_topic", &resource.Sweeper{Name: "kafkatenant_topic", F: sweepTopics})
	resource.AddTestSweepers("kafkatenant_tenant", &resource.Sweeper{
		Name: "kafkatenant_tenant", F: sweepTenants,
		Dependencies: []string{"kafkatenant_quota", "kafkatenant_acl", "kafkatenant_topic"},
	})
	resource.AddTestSweepers("kafkatenant_virtual_cluster", &resource.Sweeper{
		Name: "kafkatenant_virtual_cluster", F: sweepVirtualClusters, Dependencies: []string{"kafkatenant_tenant"},
	})
}

// sweepFind connects to the cluster in the KAFKATENANT_* variables and
// lists the test objects on it; each sweeper deletes its kind.
func sweepFind() (*kafka.Client, context.Context, func(), acctest.TestObjects, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	c := kafka.NewClient(acctest.ConnectionConfig())
	done := func() { c.Close(); cancel() }
	found, err := acctest.FindTestObjects(ctx, c)
	return c, ctx, done, found, err
}

func sweepTopics(string) error {
	c, ctx, done, found, err := sweepFind()
	defer done()
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range found.Topics {
		if err := c.DeleteTopic(ctx, name); err != nil && !errors.Is(err, kafka.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func sweepACLs(string) error {
	c, ctx, done, found, err := sweepFind()
	defer done()
	if err != nil {
		return err
	}
	return c.DeleteACLs(ctx, found.ACLs)
}

func sweepQuotas(string) error {
	c, ctx, done, found, err := sweepFind()
	defer done()
	if err != nil {
		return err
	}
	var errs []error
	for _, q := range found.Quotas {
		keys := make([]string, 0, len(q.Values))
		for k := range q.Values {
			keys = append(keys, k)
		}
		if err := c.AlterQuota(ctx, q.Entity, nil, keys, false); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// sweepTenants deletes test users' SCRAM credentials and every test record
// in the shared registry; virtual cluster records go with them, after
// their tenants' objects are gone.
func sweepTenants(string) error {
	c, ctx, done, found, err := sweepFind()
	defer done()
	if err != nil {
		return err
	}
	var errs []error
	for _, u := range found.SCRAMUsers {
		for _, m := range kafka.SCRAMMechanisms {
			if err := c.DeleteSCRAM(ctx, u, m); err != nil {
				errs = append(errs, err)
			}
		}
	}
	errs = append(errs, sweepRecords(ctx, c, found, "tenant"))
	return errors.Join(errs...)
}

func sweepVirtualClusters(string) error {
	c, ctx, done, found, err := sweepFind()
	defer done()
	if err != nil {
		return err
	}
	return sweepRecords(ctx, c, found, "virtual_cluster")
}

// sweepRecords removes the test records of one kind from the registry.
func sweepRecords(ctx context.Context, c *kafka.Client, found acctest.TestObjects, kind string) error {
	var errs []error
	for _, key := range found.Records {
		k, name, _ := strings.Cut(key, "/")
		if k != kind {
			continue
		}
		if err := c.DeleteRecord(ctx, kind, name); err != nil {
			errs = append(errs, fmt.Errorf("removing %s %q from the registry: %w", kind, name, err))
		}
	}
	return errors.Join(errs...)
}

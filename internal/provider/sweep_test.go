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

func sweepClient() (*kafka.Client, context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	return kafka.NewClient(acctest.ConnectionConfig()), ctx, cancel
}

func isTestName(name string) bool { return strings.HasPrefix(name, acctest.NamePrefix) }

func sweepTopics(string) error {
	c, ctx, cancel := sweepClient()
	defer cancel()
	defer c.Close()
	topics, err := c.ListTopics(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for name := range topics {
		if isTestName(name) {
			if err := c.DeleteTopic(ctx, name); err != nil && !errors.Is(err, kafka.ErrNotFound) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func sweepACLs(string) error {
	c, ctx, cancel := sweepClient()
	defer cancel()
	defer c.Close()
	all, err := c.DescribeACLs(ctx, "")
	if err != nil {
		return err
	}
	var doomed []kafka.ACL
	for _, a := range all {
		if strings.Contains(a.Principal, acctest.NamePrefix) || isTestName(a.ResourceName) {
			doomed = append(doomed, a)
		}
	}
	return c.DeleteACLs(ctx, doomed)
}

func sweepQuotas(string) error {
	c, ctx, cancel := sweepClient()
	defer cancel()
	defer c.Close()
	all, err := c.DescribeQuotas(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, q := range all {
		test := false
		for _, comp := range q.Entity {
			test = test || isTestName(comp.Name)
		}
		if !test {
			continue
		}
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

func sweepTenants(string) error {
	c, ctx, cancel := sweepClient()
	defer cancel()
	defer c.Close()
	users, err := c.ListSCRAMUsers(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, u := range users {
		if isTestName(u) {
			for _, m := range kafka.SCRAMMechanisms {
				if err := c.DeleteSCRAM(ctx, u, m); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	errs = append(errs, sweepRecords(ctx, c, "tenant"))
	return errors.Join(errs...)
}

func sweepVirtualClusters(string) error {
	c, ctx, cancel := sweepClient()
	defer cancel()
	defer c.Close()
	return sweepRecords(ctx, c, "virtual_cluster")
}

func sweepRecords(ctx context.Context, c *kafka.Client, kind string) error {
	snap, err := c.RefreshRegistry(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for name := range snap.Of(kind) {
		if isTestName(name) {
			if err := c.DeleteRecord(ctx, kind, name); err != nil {
				errs = append(errs, fmt.Errorf("removing %s %q from the registry: %w", kind, name, err))
			}
		}
	}
	return errors.Join(errs...)
}

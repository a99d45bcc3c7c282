package provider

import (
	"context"
	"testing"
	"time"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/embedded"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// Another workspace registers a tenant with an overlapping prefix after
// this process last read the registry and before it writes its own claim:
// the earlier claim wins, so claim reports the conflict and withdraws this
// process's record. The check after the write reads no registry afresh; it
// counts on PutRecord having brought the cache up to its own record.
func TestClaim_earlierClaimFromElsewhereWins(t *testing.T) {
	ctx := context.Background()
	c, err := embedded.Start(embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	connect := func() *kafka.Client {
		cl := kafka.NewClient(kafka.Config{
			BootstrapServers: c.BootstrapServers(),
			Timeout:          10 * time.Second,
			SASL:             &kafka.SASLConfig{Mechanism: embedded.DefaultMechanism, Username: c.AdminUser(), Password: c.AdminPassword()},
		})
		t.Cleanup(cl.Close)
		return cl
	}
	mine, elsewhere := connect(), connect()
	d := &providerData{client: mine, ledger: tenancy.NewLedger()}

	tenant := func(name, prefix string) tenancy.Tenant {
		return tenancy.Tenant{Name: name, Principal: "User:" + name, Prefixes: map[tenancy.NameKind]string{
			tenancy.TopicNames: prefix, tenancy.GroupNames: prefix, tenancy.TransactionalIDNames: prefix}}
	}
	check := func(t tenancy.Tenant) func(tenancy.Namespaces) []tenancy.Violation {
		return func(earlier tenancy.Namespaces) []tenancy.Violation {
			return earlier.CheckTenant(t, mine.RegistryTopic(), true)
		}
	}
	first := tenant("first", "first.")
	if v, err := d.claim(ctx, kindTenant, first.Name, first, nil, check(first)); err != nil || len(v) > 0 {
		t.Fatalf("claiming %s on an empty registry: %v, %v", first.Name, v, err)
	}

	if _, err := elsewhere.PutRecord(ctx, kindTenant, "theirs", tenant("theirs", "team.")); err != nil {
		t.Fatal(err)
	}
	ours := tenant("ours", "team.a.")
	v, err := d.claim(ctx, kindTenant, ours.Name, ours, nil, check(ours))
	if err != nil {
		t.Fatal(err)
	}
	if len(v) == 0 {
		t.Fatal("a claim overlapping an earlier one from another workspace was not reported")
	}
	snap, err := elsewhere.RefreshRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := snap.Records[kafka.RecordKey(kindTenant, ours.Name)]; ok {
		t.Error("the losing claim was not withdrawn from the registry")
	}
	if _, ok := snap.Records[kafka.RecordKey(kindTenant, "theirs")]; !ok {
		t.Error("the earlier claim is gone from the registry")
	}
}

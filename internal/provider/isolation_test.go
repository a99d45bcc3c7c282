package provider_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// TestAccIsolation_twoTenants logs in as two tenants of one virtual
// cluster and shows that each can do everything inside its namespace
// (create topics, produce, consume in a group, commit offsets, run a
// transaction) and nothing outside it, and that a shared topic is readable
// but not writable.
func TestAccIsolation_twoTenants(t *testing.T) {
	vc, a, b := acctest.Name("vc"), acctest.Name("a"), acctest.Name("b")
	shared := acctest.Name("shared")
	config := twoTenantsConfig(vc, a, b, shared)
	userA, userB := vc+"."+a, vc+"."+b
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				produceAsAdmin(ctx, t, shared, "published by the platform")
				ta := loginAs(t, userA, "password-of-a")
				tb := loginAs(t, userB, "password-of-b")
				ownNamespace(ctx, t, ta, userA+".")
				ownNamespace(ctx, t, tb, userB+".")
				deniedOutside(ctx, t, ta, userB+".")
				deniedOutside(ctx, t, tb, userA+".")
				readsSharedTopic(ctx, t, ta, shared, userA+".")
				deniedOutside(ctx, t, ta, "unowned-"+vc+".")
				return nil
			},
		}},
	})
}

// twoTenantsConfig declares virtual cluster vc with tenants a and b, whose
// passwords are "password-of-a" and "password-of-b", and topic shared,
// shared read-only into vc.
func twoTenantsConfig(vc, a, b, shared string) string {
	tenant := func(address, name string) string {
		return fmt.Sprintf(`
resource "kafkatenant_tenant" %[1]q {
  name            = %[2]q
  virtual_cluster = kafkatenant_virtual_cluster.vc.name
  force_destroy   = true
  credentials = {
    password_wo         = "password-of-%[1]s"
    password_wo_version = 1
  }
}
`, address, name)
	}
	return fmt.Sprintf(`
resource "kafkatenant_topic" "shared" {
  name       = %[2]q
  partitions = 1
}

resource "kafkatenant_virtual_cluster" "vc" {
  name          = %[1]q
  shared_topics = [kafkatenant_topic.shared.name]
}
`, vc, shared) + tenant("a", a) + tenant("b", b)
}

type tenantLogin struct {
	user, password string
}

func loginAs(t *testing.T, user, password string) tenantLogin {
	t.Helper()
	return tenantLogin{user: user, password: password}
}

func (l tenantLogin) client(t *testing.T, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	base := []kgo.Opt{
		kgo.SeedBrokers(acctest.ConnectionConfig().BootstrapServers...),
		kgo.SASL(scram.Auth{User: l.user, Pass: l.password}.AsSha512Mechanism()),
		kgo.RequestRetries(2),
		kgo.RetryTimeout(5 * time.Second),
	}
	cl, err := kgo.NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func produceAsAdmin(ctx context.Context, t *testing.T, topic, value string) {
	t.Helper()
	cfg := acctest.ConnectionConfig()
	cl, err := kgo.NewClient(kgo.SeedBrokers(cfg.BootstrapServers...),
		kgo.SASL(scram.Auth{User: cfg.SASL.Username, Pass: cfg.SASL.Password}.AsSha512Mechanism()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: []byte(value)}).FirstErr(); err != nil {
		t.Fatalf("admin producing to %s: %v", topic, err)
	}
}

// ownNamespace creates a topic, produces to it, consumes it in a group,
// commits offsets and commits a transaction, all under prefix.
func ownNamespace(ctx context.Context, t *testing.T, l tenantLogin, prefix string) {
	t.Helper()
	topic, group, txnID := prefix+"events", prefix+"readers", prefix+"tx"
	adm := kadm.NewClient(l.client(t))
	if _, err := adm.CreateTopic(ctx, 1, -1, nil, topic); err != nil {
		t.Fatalf("%s creating its own topic %s: %v", l.user, topic, err)
	}
	producer := l.client(t)
	if err := producer.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: []byte("plain")}).FirstErr(); err != nil {
		t.Fatalf("%s producing to its own topic %s: %v", l.user, topic, err)
	}

	txn := l.client(t, kgo.TransactionalID(txnID), kgo.DefaultProduceTopic(topic))
	if err := txn.BeginTransaction(); err != nil {
		t.Fatalf("%s beginning transaction %s: %v", l.user, txnID, err)
	}
	if err := txn.ProduceSync(ctx, &kgo.Record{Value: []byte("transactional")}).FirstErr(); err != nil {
		t.Fatalf("%s producing in transaction %s: %v", l.user, txnID, err)
	}
	if err := txn.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatalf("%s committing transaction %s: %v", l.user, txnID, err)
	}

	consumer := l.client(t, kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit(), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	got := map[string]bool{}
	for len(got) < 2 {
		fetches := consumer.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("%s consuming %s in group %s: got %v before timing out", l.user, topic, group, got)
		}
		if errs := fetches.Errors(); len(errs) > 0 {
			t.Fatalf("%s consuming %s in group %s: %v", l.user, topic, group, errs[0].Err)
		}
		fetches.EachRecord(func(r *kgo.Record) { got[string(r.Value)] = true })
	}
	if err := consumer.CommitUncommittedOffsets(ctx); err != nil {
		t.Fatalf("%s committing offsets of group %s: %v", l.user, group, err)
	}
	offsets, err := adm.FetchOffsets(ctx, group)
	if err != nil || offsets.Error() != nil {
		t.Fatalf("%s fetching offsets of its group %s: %v %v", l.user, group, err, offsets.Error())
	}
	if o, ok := offsets.Lookup(topic, 0); !ok || o.At < 2 {
		t.Fatalf("%s's group %s committed %+v, want offset 2 or more", l.user, group, o)
	}
}

// deniedOutside shows every one of those operations refused under a
// prefix the tenant does not own.
func deniedOutside(ctx context.Context, t *testing.T, l tenantLogin, prefix string) {
	t.Helper()
	topic := prefix + "intrusion"
	adm := kadm.NewClient(l.client(t))
	_, err := adm.CreateTopic(ctx, 1, -1, nil, topic)
	expectDenied(t, l.user+" creating "+topic, err, kerr.TopicAuthorizationFailed, kerr.ClusterAuthorizationFailed)

	// Produce to a topic that exists: the other tenant's events topic, or
	// for an unowned prefix whatever the name resolves to.
	producer := l.client(t)
	err = producer.ProduceSync(ctx, &kgo.Record{Topic: prefix + "events", Value: []byte("x")}).FirstErr()
	expectDenied(t, l.user+" producing to "+prefix+"events", err, kerr.TopicAuthorizationFailed)

	_, err = adm.FetchOffsets(ctx, prefix+"readers")
	expectDenied(t, l.user+" reading offsets of group "+prefix+"readers", err, kerr.GroupAuthorizationFailed)

	txn := l.client(t, kgo.TransactionalID(prefix+"tx"), kgo.DefaultProduceTopic(prefix+"events"))
	err = txn.BeginTransaction()
	if err == nil {
		err = txn.ProduceSync(ctx, &kgo.Record{Value: []byte("x")}).FirstErr()
	}
	expectDenied(t, l.user+" using transactional id "+prefix+"tx", err, kerr.TransactionalIDAuthorizationFailed, kerr.TopicAuthorizationFailed)
}

// readsSharedTopic consumes a topic shared into the tenant's virtual
// cluster and shows that writing to it is refused.
func readsSharedTopic(ctx context.Context, t *testing.T, l tenantLogin, topic, prefix string) {
	t.Helper()
	consumer := l.client(t, kgo.ConsumerGroup(prefix+"shared-readers"), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	for {
		fetches := consumer.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("%s reading shared topic %s: nothing before timing out", l.user, topic)
		}
		if errs := fetches.Errors(); len(errs) > 0 {
			t.Fatalf("%s reading shared topic %s: %v", l.user, topic, errs[0].Err)
		}
		if fetches.NumRecords() > 0 {
			break
		}
	}
	err := l.client(t).ProduceSync(ctx, &kgo.Record{Topic: topic, Value: []byte("tampering")}).FirstErr()
	expectDenied(t, l.user+" writing shared topic "+topic, err, kerr.TopicAuthorizationFailed)
}

func expectDenied(t *testing.T, what string, err error, want ...*kerr.Error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s succeeded; it must be denied", what)
		return
	}
	for _, w := range want {
		if errors.Is(err, w) {
			return
		}
	}
	t.Errorf("%s failed with %v; want an authorization error %v", what, err, want)
}

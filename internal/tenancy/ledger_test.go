package tenancy

import (
	"context"
	"sync"
	"testing"
	"time"
)

func tenantWithPrefix(name, prefix string) Tenant {
	return Tenant{Name: name, Principal: "User:" + name, Prefixes: map[NameKind]string{TopicNames: prefix, GroupNames: prefix, TransactionalIDNames: prefix}}
}

// Of two conflicting tenants recorded at the same moment, exactly one sees
// the other: the second to take the lock reports the conflict.
func TestLedgerSecondOfTwoConflictingSeesTheFirst(t *testing.T) {
	for range 50 {
		l := NewLedger()
		var (
			wg         sync.WaitGroup
			mu         sync.Mutex
			conflicted []string
		)
		for _, tn := range []Tenant{tenantWithPrefix("a", "team-a."), tenantWithPrefix("b", "team-a.x.")} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l.RecordTenant(tn, func(v LedgerView) {
					if len(v.Namespaces.CheckTenant(tn, "_kafkatenant", false)) > 0 {
						mu.Lock()
						conflicted = append(conflicted, tn.Name)
						mu.Unlock()
					}
				})
			}()
		}
		wg.Wait()
		if len(conflicted) != 1 {
			t.Fatalf("%d tenants saw the conflict, want exactly one: %v", len(conflicted), conflicted)
		}
	}
}

// A check never sees the entry it is recording, and recording it again
// keeps its rank among the planned claims.
func TestLedgerRecordAgainReplacesAndKeepsRank(t *testing.T) {
	l := NewLedger()
	l.RecordTenant(tenantWithPrefix("a", "a."), nil)
	l.RecordTenant(tenantWithPrefix("b", "b."), nil)
	l.RecordTenant(tenantWithPrefix("a", "a2."), func(v LedgerView) {
		if _, ok := v.Namespaces.Tenants["a"]; ok {
			t.Error("the check saw the entry being recorded")
		}
	})
	l.View(func(v LedgerView) {
		if got := v.Namespaces.Tenants["a"].Prefixes[TopicNames]; got != "a2." {
			t.Errorf("tenant a has prefix %q after recording it again, want a2.", got)
		}
		ra, rb := v.Namespaces.Order[ClaimKey(KindTenant, "a")], v.Namespaces.Order[ClaimKey(KindTenant, "b")]
		if ra >= rb || ra < PlannedOrder {
			t.Errorf("ranks a=%d b=%d: a was planned first and must keep ranking first, after every registered claim", ra, rb)
		}
	})
}

// Planned claims rank after registered ones; With keeps a registered
// object's rank when the plan updates it.
func TestNamespacesOrderAndWith(t *testing.T) {
	registry := NewNamespaces()
	registry.Tenants["old"] = tenantWithPrefix("old", "old.")
	registry.Order[ClaimKey(KindTenant, "old")] = 7
	registry.Tenants["later"] = tenantWithPrefix("later", "old.x.")
	registry.Order[ClaimKey(KindTenant, "later")] = 9

	l := NewLedger()
	l.RecordTenant(tenantWithPrefix("new", "new."), nil)
	l.RecordTenant(tenantWithPrefix("old", "old."), nil)
	var merged Namespaces
	l.View(func(v LedgerView) { merged = registry.With(v.Namespaces) })

	if !merged.Registered(KindTenant, "old") || merged.Registered(KindTenant, "new") {
		t.Errorf("registered: old %t new %t, want true and false", merged.Registered(KindTenant, "old"), merged.Registered(KindTenant, "new"))
	}
	if got := merged.Order[ClaimKey(KindTenant, "old")]; got != 7 {
		t.Errorf("an updated registered tenant ranks %d, want its registry rank 7", got)
	}
	if before := merged.Before(KindTenant, "later"); len(before.Tenants) != 1 || before.Tenants["old"].Name != "old" {
		t.Errorf("before later: %v, want only old", before.Tenants)
	}
	after := merged.After(KindTenant, "old")
	if _, ok := after.Tenants["later"]; !ok || len(after.Tenants) != 2 {
		t.Errorf("after old: %v, want later and new", after.Tenants)
	}
	if v := merged.Before(KindTenant, "old").CheckTenant(merged.Tenants["old"], "_kafkatenant", false); len(v) > 0 {
		t.Errorf("the earliest claim is refused: %+v", v)
	}
	if v := merged.Before(KindTenant, "later").CheckTenant(merged.Tenants["later"], "_kafkatenant", false); len(v) != 3 || v[0].OtherName != "old" || v[0].OtherKind != KindTenant {
		t.Errorf("the later claim is not refused against the earlier one: %+v", v)
	}
}

// Settle returns once nothing was recorded for the quiet period, waits
// while records keep coming, and gives up at its limit.
func TestLedgerSettle(t *testing.T) {
	l := NewLedger()
	ctx := context.Background()
	start := time.Now()
	l.Settle(ctx, 20*time.Millisecond, time.Second)
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("an idle ledger took %s to settle", d)
	}

	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				l.Touch()
			}
		}
	}()
	start = time.Now()
	l.Settle(ctx, 50*time.Millisecond, 200*time.Millisecond)
	close(stop)
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("a busy ledger settled after %s, before its limit", d)
	}

	done := make(chan struct{})
	go func() {
		l.Settle(ctx, 100*time.Millisecond, 10*time.Second)
		close(done)
	}()
	time.Sleep(30 * time.Millisecond)
	l.RecordTopic(PlannedTopic{Name: "x", Destroy: true}, nil)
	select {
	case <-done:
		t.Error("Settle returned although a topic was recorded during its quiet period")
	case <-time.After(60 * time.Millisecond):
	}
	<-done
}

// Planned quotas and topics are visible to later checks, removals
// included; RecordUnknown marks an object whose changes are not known.
func TestLedgerTopicsQuotasUnknown(t *testing.T) {
	l := NewLedger()
	l.RecordTopic(PlannedTopic{Name: "t.a", Tenant: "t", Partitions: 3}, nil)
	l.RecordTopic(PlannedTopic{Name: "t.old", Destroy: true}, nil)
	l.RecordQuota(PlannedQuota{Entity: Entity{User("t")}, Values: map[QuotaKey]float64{ProducerByteRate: 10}}, nil)
	l.RecordQuota(PlannedQuota{Entity: Entity{User("gone")}}, nil)
	l.RecordUnknown(KindVirtualCluster, "vc")
	l.RecordTopic(PlannedTopic{Name: "t.b", Tenant: "t", Partitions: 1}, func(v LedgerView) {
		if v.Topics["t.a"].Partitions != 3 || !v.Topics["t.old"].Destroy {
			t.Errorf("planned topics %v", v.Topics)
		}
		if len(v.Quotas) != 2 || len(v.Quotas["user=gone"].Values) != 0 || v.Quotas["user=t"].Values[ProducerByteRate] != 10 {
			t.Errorf("planned quotas %v", v.Quotas)
		}
		if !v.Unknown[ClaimKey(KindVirtualCluster, "vc")] {
			t.Error("the unknown virtual cluster is not marked")
		}
	})
}

// A call under way keeps the ledger from settling, however long it takes;
// the calls waiting in Settle do not.
func TestLedgerSettleWaitsForCallsUnderWay(t *testing.T) {
	l := NewLedger()
	waiter := l.Begin()
	defer waiter()
	other := l.Begin()
	done := make(chan struct{})
	go func() {
		l.Settle(context.Background(), 20*time.Millisecond, 5*time.Second)
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("Settle returned while another call was under way")
	case <-time.After(150 * time.Millisecond):
	}
	other()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Settle did not return once the other call ended")
	}
}

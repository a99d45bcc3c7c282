package tenancy

import (
	"context"
	"sync"
	"time"
)

// Ledger is what one plan proposes, recorded as Terraform plans each
// resource. Terraform plans every resource of a provider configuration in
// the same provider process, but one at a time and without showing the
// provider the others, so the ledger is how a resource planned later sees
// the earlier ones: a tenant planned second sees the first tenant's
// prefixes, a topic sees the other new topics of its tenant, a quota sees
// the other quotas of the plan. It adds to what the cluster and registry
// hold; it never replaces them.
//
// Every Record method runs its check and records the entry under one lock,
// so of two resources planned at the same moment exactly one sees the
// other, and the second reports any conflict. Recording an entry again
// (the same resource planned twice) replaces it and keeps its rank.
//
// A Ledger is safe for concurrent use.
type Ledger struct {
	mu         sync.Mutex
	seq        int64
	ns         Namespaces
	topics     map[string]PlannedTopic
	quotas     map[string]PlannedQuota
	unknown    map[string]bool
	lastChange time.Time
	// inflight counts the provider calls under way, waiting the ones of
	// them waiting in Settle.
	inflight, waiting int
	changed           chan struct{}
}

// PlannedTopic is a topic as the plan leaves it.
type PlannedTopic struct {
	// Name is the topic name.
	Name string
	// Tenant names its tenant, or is empty.
	Tenant string
	// Partitions is its partition count.
	Partitions int64
	// ReplicationFactor is its replication factor, or 0 when the broker
	// default applies.
	ReplicationFactor int64
	// RetentionBytes is its retention.bytes, or negative when it sets
	// none.
	RetentionBytes int64
	// Destroy marks a topic the plan deletes.
	Destroy bool
}

// PlannedQuota is a client quota as the plan leaves it. A quota with no
// values is one the plan removes.
type PlannedQuota struct {
	// Entity is the quota entity.
	Entity Entity
	// Values are the per-broker values written.
	Values map[QuotaKey]float64
}

// LedgerView is the plan as recorded so far, handed to a check. Its maps
// belong to the ledger: a check reads them and keeps nothing.
type LedgerView struct {
	// Namespaces holds the planned virtual clusters and tenants, ranked
	// after every registered claim in the order they were planned.
	Namespaces Namespaces
	// Topics holds the planned topics by name, destroyed ones included.
	Topics map[string]PlannedTopic
	// Quotas holds the planned quotas by entity, removed ones included.
	Quotas map[string]PlannedQuota
	// Unknown holds, by ClaimKey, the objects the plan changes in ways not
	// known until apply, whose dependents cannot be planned exactly.
	Unknown map[string]bool
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{ns: NewNamespaces(), topics: map[string]PlannedTopic{}, quotas: map[string]PlannedQuota{}, unknown: map[string]bool{}, changed: make(chan struct{})}
}

// RecordVirtualCluster runs check against the plan without vc, then
// records vc.
func (l *Ledger) RecordVirtualCluster(vc VirtualCluster, check func(LedgerView)) {
	l.record(KindVirtualCluster, vc.Name, check, func() { l.ns.VirtualClusters[vc.Name] = vc })
}

// RecordTenant runs check against the plan without t, then records t.
func (l *Ledger) RecordTenant(t Tenant, check func(LedgerView)) {
	l.record(KindTenant, t.Name, check, func() { l.ns.Tenants[t.Name] = t })
}

// record removes the named claim, runs check, and records the claim again
// with set, keeping the rank it had.
func (l *Ledger) record(kind, name string, check func(LedgerView), set func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := ClaimKey(kind, name)
	order, again := l.ns.Order[key]
	if !again {
		order = PlannedOrder + l.seq
		l.seq++
	}
	switch kind {
	case KindVirtualCluster:
		delete(l.ns.VirtualClusters, name)
	case KindTenant:
		delete(l.ns.Tenants, name)
	}
	delete(l.ns.Order, key)
	if check != nil {
		check(l.view())
	}
	set()
	l.ns.Order[key] = order
	l.touchLocked()
}

// RecordUnknown notes that the plan changes the named object in ways not
// known until apply.
func (l *Ledger) RecordUnknown(kind, name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unknown[ClaimKey(kind, name)] = true
	l.touchLocked()
}

// RecordTopic runs check against the plan without t's topic, then records
// t.
func (l *Ledger) RecordTopic(t PlannedTopic, check func(LedgerView)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.topics, t.Name)
	if check != nil {
		check(l.view())
	}
	l.topics[t.Name] = t
	l.touchLocked()
}

// RecordQuota runs check against the plan without q's entity, then records
// q.
func (l *Ledger) RecordQuota(q PlannedQuota, check func(LedgerView)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := q.Entity.String()
	delete(l.quotas, key)
	if check != nil {
		check(l.view())
	}
	l.quotas[key] = q
	l.touchLocked()
}

// View runs read against the plan as recorded so far.
func (l *Ledger) View(read func(LedgerView)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	read(l.view())
}

func (l *Ledger) view() LedgerView {
	return LedgerView{Namespaces: l.ns, Topics: l.topics, Quotas: l.quotas, Unknown: l.unknown}
}

// Touch notes that Terraform is still at work in this process (reading or
// planning a resource) without recording anything, for Settle.
func (l *Ledger) Touch() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.touchLocked()
}

// Begin notes that a call from Terraform (a read, a plan, a create, a
// delete) is under way, and returns the function that notes its end. While
// any call other than the waiting ones is under way, the ledger is not
// quiet: a delete the plan depends on may be about to finish.
func (l *Ledger) Begin() func() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inflight++
	l.touchLocked()
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.inflight--
		l.touchLocked()
	}
}

func (l *Ledger) touchLocked() {
	l.lastChange = time.Now()
	close(l.changed)
	l.changed = make(chan struct{})
}

// Settle waits until the ledger has been quiet for quiet, counted from the
// call at the earliest, with no call under way but those waiting here:
// until Terraform has stopped planning or applying further resources in
// this process. It gives up when limit has passed or ctx ends. A check that would fail because of
// objects whose fate the plan may still decide (a topic planned for
// destroy after the one being checked) waits for this and checks again.
func (l *Ledger) Settle(ctx context.Context, quiet, limit time.Duration) {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	start := time.Now()
	l.mu.Lock()
	l.waiting++
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.waiting--
		l.mu.Unlock()
	}()
	for {
		l.mu.Lock()
		busy := l.inflight > l.waiting
		last := l.lastChange
		if last.Before(start) {
			// Quiet is counted from the call at the earliest, so that the
			// resources Terraform is about to plan have time to come.
			last = start
		}
		wait := quiet - time.Since(last)
		changed := l.changed
		l.mu.Unlock()
		if wait <= 0 && !busy {
			return
		}
		if wait <= 0 {
			wait = quiet
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-deadline.C:
			timer.Stop()
			return
		case <-changed:
			timer.Stop()
		case <-timer.C:
		}
	}
}

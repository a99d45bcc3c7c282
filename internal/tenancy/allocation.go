package tenancy

import (
	"cmp"
	"fmt"
	"slices"
)

// Holder is a quota entity and the buckets Kafka would enforce for it for
// one key. Kafka keeps one token bucket per set of requests that share a
// quota; each bucket may use the full quota value on every broker.
type Holder struct {
	// Entity is the quota entity.
	Entity Entity
	// Buckets is how many buckets Kafka keeps for it.
	Buckets int
	// Value is the quota value, per bucket.
	Value float64
	// Total is Buckets × Value.
	Total float64
	// key is Entity's string, for ordering.
	key string
}

// Unbounded is one reason a key's total cannot be bounded.
type Unbounded struct {
	// Entity is the quota entity whose buckets multiply beyond counting,
	// or nil when Principal is set.
	Entity Entity
	// Principal is a user with no quota that covers all its client ids,
	// or "" when Entity is set.
	Principal string
	// Reason says why, and how to bound it, in a sentence.
	Reason string
	// CausedByChange is set in AllocateChange reports when the change
	// introduces this reason.
	CausedByChange bool
}

func (u Unbounded) id() string {
	if u.Principal != "" {
		return "principal " + u.Principal
	}
	return u.Entity.String()
}

// KeyAllocation is how much of one quota key is promised and how much may
// be.
type KeyAllocation struct {
	// Key is the quota key.
	Key QuotaKey
	// Checked is false when the limit for Key is not declared; then
	// NotChecked says which attribute is missing and no violation is
	// reported for Key.
	Checked bool
	// NotChecked says why Key is not checked, or is "".
	NotChecked string
	// Usable is the capacity after headroom (for an envelope, the
	// envelope itself).
	Usable float64
	// Allowed is what the quotas may add up to: Usable × oversubscription
	// (for an envelope, the envelope itself).
	Allowed float64
	// Explanation shows how Allowed was derived, with the figures.
	Explanation string
	// Allocated is the sum of the buckets' values, including the change
	// when there is one. Unbounded buckets are not in it: see Unbounded.
	Allocated float64
	// AlreadyAllocated is Allocated before the change; without a change
	// it equals Allocated.
	AlreadyAllocated float64
	// Change is Allocated − AlreadyAllocated.
	Change float64
	// Free is Allowed − Allocated; negative when over.
	Free float64
	// Holders are the entities holding buckets, largest total first.
	Holders []Holder
	// Unbounded lists every reason the total has no bound: for every key
	// in a report without a change (Allocate, CheckEnvelope with a nil
	// change), for checked keys only in one with a change.
	Unbounded []Unbounded
}

// Report is the allocation of every capacity key, for the whole cluster or
// for one virtual cluster.
type Report struct {
	// VirtualCluster is the virtual cluster whose envelope was checked,
	// or "" for the cluster's declared capacity.
	VirtualCluster string
	// Change is the quota this plan writes, or nil.
	Change *Quota
	// Previous is the quota Change replaces, or nil when Change adds a new
	// entity (or there is no change).
	Previous *Quota
	// Keys holds one allocation per key of CapacityKeys.
	Keys map[QuotaKey]KeyAllocation
}

// Allocate counts, per key of CapacityKeys, the per-broker buckets Kafka
// would enforce for quotas (controller_mutation_rate: cluster-wide) and
// sets them against c's allowed capacity.
//
// principals are the user names (without "User:") that can authenticate:
// the tenants and every other SCRAM or certificate user. They matter for
// the <default> user quotas, which Kafka applies per user; a principal not
// listed is not counted. A user named in any quota is counted as a
// principal too.
//
// The counting rules, per key, for a quota entity that sets the key:
//
//   - user=U, user=U,client-id=C and client-id=C are one bucket each. A
//     carve-out user=U,client-id=C adds to U's total, because Kafka gives
//     the carved-out client its own bucket besides U's.
//   - user=<default> is one bucket for each principal whose client ids
//     Kafka resolves to it: those without user=U, user=U,client-id=<default>
//     or user=<default>,client-id=<default> for the key. Each such user gets
//     a bucket of its own.
//   - user=<default>,client-id=C is one bucket for each principal with no
//     quota for the key at levels 1 to 3 (user=P,client-id=C,
//     user=P,client-id=<default>, user=P).
//   - user=U,client-id=<default>, user=<default>,client-id=<default> and
//     client-id=<default> are unbounded: Kafka gives every client id its own
//     bucket, and client ids are chosen by clients, so nobody can count
//     them.
//   - A principal is unbounded when no quota covers an arbitrary client id
//     of it (levels 2, 3, 5, 6 and 8): it may use the whole broker.
//
// ip quotas are not counted: connection_creation_rate has no declared
// capacity.
func Allocate(c Capacity, quotas []Quota, principals []string) Report {
	idx := indexQuotas(quotas)
	sc := clusterScope(principals, idx)
	return buildReport(sc, capacityLimit(c), idx, idx, nil, nil)
}

// AllocateChange is Allocate for a plan that writes change: change replaces
// the quota of the same entity in existing (a change with no values
// removes it). Each key reports what is allocated now (AlreadyAllocated)
// and with the change (Allocated), so an error can show both. See
// Report.Violations for which problems block the change.
func AllocateChange(c Capacity, existing []Quota, change Quota, principals []string) Report {
	before := indexQuotas(existing)
	after := before.with(change)
	sc := clusterScope(principals, before, after)
	return buildReport(sc, capacityLimit(c), before, after, &change, before.get(change.Entity))
}

// scope is the part of the cluster a report covers.
type scope struct {
	// virtualCluster is "" for the whole cluster.
	virtualCluster string
	principals     []string
	members        map[string]bool
}

func clusterScope(principals []string, indexes ...quotaIndex) scope {
	members := map[string]bool{}
	for _, p := range principals {
		members[p] = true
	}
	for _, idx := range indexes {
		for _, q := range idx.ordered {
			if u, ok := q.Entity.Component(EntityUser); ok && !u.Default {
				members[u.Name] = true
			}
		}
	}
	return newScope("", members)
}

func newScope(virtualCluster string, members map[string]bool) scope {
	principals := make([]string, 0, len(members))
	for p := range members {
		principals = append(principals, p)
	}
	slices.Sort(principals)
	return scope{virtualCluster: virtualCluster, principals: principals, members: members}
}

// covers reports whether a quota naming user counts in this scope. A
// virtual cluster counts only its own principals' quotas.
func (s scope) covers(user string) bool {
	return s.virtualCluster == "" || s.members[user]
}

// keyLimit is what one key may add up to in a scope.
type keyLimit struct {
	allowed, usable float64
	explanation     string
	notChecked      string
}

func capacityLimit(c Capacity) func(QuotaKey) keyLimit {
	return func(key QuotaKey) keyLimit {
		usable, _ := c.Usable(key)
		allowed, _ := c.Allowed(key)
		return keyLimit{allowed: allowed, usable: usable, explanation: c.Explain(key), notChecked: c.NotChecked(key)}
	}
}

func buildReport(sc scope, limit func(QuotaKey) keyLimit, before, after quotaIndex, change, previous *Quota) Report {
	r := Report{VirtualCluster: sc.virtualCluster, Change: change, Previous: previous, Keys: map[QuotaKey]KeyAllocation{}}
	for _, key := range CapacityKeys {
		lim := limit(key)
		// What cannot be bounded blocks a change only on checked keys; a
		// report of the quotas as they are lists it for every key, since
		// an unbounded principal may use a whole broker whether or not a
		// capacity is declared. The reasons are written only for the
		// report's own side.
		find := lim.notChecked == "" || change == nil
		beforeHolders, beforeUnbounded := count(before, key, sc, find, false)
		holders, unbounded := count(after, key, sc, find, true)
		old := map[string]bool{}
		for _, u := range beforeUnbounded {
			old[u.id()] = true
		}
		for i := range unbounded {
			unbounded[i].CausedByChange = change != nil && !old[unbounded[i].id()]
		}
		allocated := sumHolders(holders)
		already := sumHolders(beforeHolders)
		r.Keys[key] = KeyAllocation{
			Key:              key,
			Checked:          lim.notChecked == "",
			NotChecked:       lim.notChecked,
			Usable:           lim.usable,
			Allowed:          lim.allowed,
			Explanation:      lim.explanation,
			Allocated:        allocated,
			AlreadyAllocated: already,
			Change:           allocated - already,
			Free:             lim.allowed - allocated,
			Holders:          holders,
			Unbounded:        unbounded,
		}
	}
	return r
}

func sumHolders(holders []Holder) float64 {
	var total float64
	for _, h := range holders {
		total += h.Total
	}
	return total
}

// count applies the counting rules documented on Allocate to one key.
//
// Unbounded reasons are found only with findUnbounded, and written out only
// with explain: a check compares the reasons before and after a change by
// identity, and needs the text of the latter only.
func count(idx quotaIndex, key QuotaKey, sc scope, findUnbounded, explain bool) ([]Holder, []Unbounded) {
	var holders []Holder
	var unbounded []Unbounded
	for _, q := range idx.ordered {
		value, ok := q.Values[key]
		if !ok {
			continue
		}
		user, _ := q.Entity.Component(EntityUser)
		client, _ := q.Entity.Component(EntityClientID)
		buckets := 0
		switch level := q.level; level {
		case 1, 3:
			if sc.covers(user.Name) {
				buckets = 1
			}
		case 7:
			// A client id is shared by every user that sends it, so it
			// belongs to no virtual cluster.
			if sc.virtualCluster == "" {
				buckets = 1
			}
		case 4:
			buckets = sc.countResolving(idx, key, client.Name, level)
		case 6:
			buckets = sc.countResolving(idx, key, "", level)
		case 2:
			if findUnbounded && sc.covers(user.Name) {
				unbounded = append(unbounded, unboundedEntity(q.Entity, key, value, explain))
			}
		case 5, 8:
			// Cluster-wide these always apply, to principals nobody listed
			// if to no one else; in a virtual cluster only when one of its
			// principals falls through to them.
			if findUnbounded && (sc.virtualCluster == "" || sc.countResolving(idx, key, "", level) > 0) {
				unbounded = append(unbounded, unboundedEntity(q.Entity, key, value, explain))
			}
		}
		if buckets > 0 {
			holders = append(holders, Holder{Entity: q.Entity, Buckets: buckets, Value: value, Total: float64(buckets) * value, key: q.key})
		}
	}
	if findUnbounded {
		for _, p := range sc.principals {
			if _, ok := idx.resolveKey(key, p, ""); !ok {
				unbounded = append(unbounded, unboundedPrincipal(p, key, explain))
			}
		}
	}
	slices.SortStableFunc(holders, func(a, b Holder) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.key, b.key))
	})
	return holders, unbounded
}

// countResolving counts the principals in scope whose client clientID
// ("" for a client id no quota names) Kafka resolves to level for key.
func (s scope) countResolving(idx quotaIndex, key QuotaKey, clientID string, level int) int {
	n := 0
	for _, p := range s.principals {
		if eff, ok := idx.resolveKey(key, p, clientID); ok && eff.Level == level {
			n++
		}
	}
	return n
}

func unboundedEntity(e Entity, key QuotaKey, value float64, explain bool) Unbounded {
	if !explain {
		return Unbounded{Entity: e}
	}
	var reason string
	switch e.Level() {
	case 2:
		user, _ := e.Component(EntityUser)
		reason = fmt.Sprintf("%s gives every client id of %s its own %s bucket, and client ids cannot be counted; set %s on user=%s instead, one bucket shared by all its client ids",
			e, user.Name, shortValue(key, value), key, escapeName(user.Name))
	case 5:
		reason = fmt.Sprintf("%s gives every client id of every user its own %s bucket, and client ids cannot be counted; set %s on user=%s instead, one bucket per user",
			e, shortValue(key, value), key, DefaultName)
	default:
		reason = fmt.Sprintf("%s gives every client id its own %s bucket, and client ids cannot be counted; bound users instead, with user=%s or a quota per user",
			e, shortValue(key, value), DefaultName)
	}
	return Unbounded{Entity: e, Reason: reason}
}

func unboundedPrincipal(p string, key QuotaKey, explain bool) Unbounded {
	if !explain {
		return Unbounded{Principal: p}
	}
	return Unbounded{Principal: p, Reason: fmt.Sprintf("principal %s has no %s quota that covers all its client ids, so it may use the whole broker; set %s on user=%s, or on user=%s to bound every principal without its own quota",
		p, key, key, escapeName(p), DefaultName)}
}

// get returns the quota of entity e, or nil.
func (idx quotaIndex) get(e Entity) *Quota {
	q, ok := idx.byEntity[e.String()]
	if !ok {
		return nil
	}
	return &q.Quota
}

// with returns a copy of idx in which change replaces the quota of its
// entity; a change with no values removes it.
func (idx quotaIndex) with(change Quota) quotaIndex {
	key := change.Entity.String()
	entries := make([]indexedQuota, 0, len(idx.ordered)+1)
	for _, e := range idx.ordered {
		if e.key != key {
			entries = append(entries, e)
		}
	}
	if len(change.Values) > 0 {
		entries = append(entries, indexedQuota{Quota: change, key: key, level: change.Entity.Level()})
	}
	return buildIndex(entries)
}

// Excluding returns the report without the reasons that principals are
// unbounded: principals that the plan being made creates, whose quotas may
// come later in the same plan, so that their standing problem is not
// reported while it is about to be solved.
func (r Report) Excluding(principals map[string]bool) Report {
	if len(principals) == 0 {
		return r
	}
	out := r
	out.Keys = make(map[QuotaKey]KeyAllocation, len(r.Keys))
	for key, k := range r.Keys {
		var kept []Unbounded
		for _, u := range k.Unbounded {
			if u.Principal == "" || !principals[u.Principal] {
				kept = append(kept, u)
			}
		}
		k.Unbounded = kept
		out.Keys[key] = k
	}
	return out
}

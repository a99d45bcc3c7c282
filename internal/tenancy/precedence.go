package tenancy

import (
	"slices"
	"strings"
)

// Effective is the quota Kafka applies for one key to one user and client
// id, and where it came from.
type Effective struct {
	// Value is the quota value.
	Value float64
	// Entity is the quota entity the value was read from.
	Entity Entity
	// Level is that entity's precedence level, 1 (most specific) to 8;
	// see Entity.Level.
	Level int
}

// userClientKeys are the keys resolved through the eight-level precedence.
// connection_creation_rate is looked up on ip entities only.
var userClientKeys = []QuotaKey{ConsumerByteRate, ControllerMutationRate, ProducerByteRate, RequestPercentage}

// Resolve returns, for each user and client-id quota key, the quota Kafka
// applies to requests from user with client id clientID, following Kafka's
// eight levels (see Entity.Level): the first level whose entity sets the
// key wins. Each key is resolved on its own, as Kafka keeps one quota
// manager per key, so producer_byte_rate may come from user=U while
// consumer_byte_rate comes from user=<default>. A key absent from the
// result is unlimited.
//
// An empty clientID stands for a client id that no quota names: the levels
// that name a client id (1, 4 and 7) are skipped, so the result is what any
// unnamed client of user gets. Likewise an empty user skips the levels that
// name a user (1 to 3). When quotas holds the same entity twice, the later
// one wins.
func Resolve(quotas []Quota, user, clientID string) map[QuotaKey]Effective {
	return indexQuotas(quotas).resolve(user, clientID)
}

// quotaIndex holds quotas by the canonical string of their entity, and by
// precedence level under the names Kafka looks them up with, so that
// resolving a user's quota is a few map lookups. Capacity checks resolve
// every principal's quota for every key, for every quota of a plan.
type quotaIndex struct {
	// byEntity maps a canonical entity string to its quota.
	byEntity map[string]indexedQuota
	// levels maps, per level 1 to 8, a lookup name to the quota: the user
	// and client id joined by levelSep at level 1, the user at levels 2
	// and 3, the client id at levels 4 and 7, "" at levels 5, 6 and 8.
	levels [9]map[string]indexedQuota
	// ordered lists the quotas by entity string.
	ordered []indexedQuota
}

// indexedQuota is a quota with its entity's string and level, computed
// once.
type indexedQuota struct {
	Quota
	key   string
	level int
}

const levelSep = "\x00"

func indexQuotas(quotas []Quota) quotaIndex {
	entries := make([]indexedQuota, 0, len(quotas))
	for _, q := range quotas {
		entries = append(entries, indexedQuota{Quota: q, key: q.Entity.String(), level: q.Entity.Level()})
	}
	return buildIndex(entries)
}

// buildIndex indexes entries; of two with the same entity, the later wins.
func buildIndex(entries []indexedQuota) quotaIndex {
	idx := quotaIndex{byEntity: make(map[string]indexedQuota, len(entries))}
	for i := range idx.levels {
		idx.levels[i] = map[string]indexedQuota{}
	}
	for _, e := range entries {
		idx.byEntity[e.key] = e
	}
	idx.ordered = make([]indexedQuota, 0, len(idx.byEntity))
	for _, e := range idx.byEntity {
		idx.ordered = append(idx.ordered, e)
		if e.level > 0 {
			idx.levels[e.level][lookupName(e.Entity, e.level)] = e
		}
	}
	slices.SortFunc(idx.ordered, func(a, b indexedQuota) int { return strings.Compare(a.key, b.key) })
	return idx
}

// lookupName is the name an entity of the given level is looked up by.
func lookupName(e Entity, level int) string {
	user, _ := e.Component(EntityUser)
	client, _ := e.Component(EntityClientID)
	switch level {
	case 1:
		return user.Name + levelSep + client.Name
	case 2, 3:
		return user.Name
	case 4, 7:
		return client.Name
	}
	return ""
}

func (idx quotaIndex) resolve(user, clientID string) map[QuotaKey]Effective {
	out := map[QuotaKey]Effective{}
	for _, key := range userClientKeys {
		if eff, ok := idx.resolveKey(key, user, clientID); ok {
			out[key] = eff
		}
	}
	return out
}

// resolveKey walks Kafka's eight levels for user and clientID, leaving out
// the levels that need a name that is empty, and returns the first quota
// that sets key.
func (idx quotaIndex) resolveKey(key QuotaKey, user, clientID string) (Effective, bool) {
	try := func(level int, name string) (Effective, bool) {
		e, ok := idx.levels[level][name]
		if !ok {
			return Effective{}, false
		}
		v, ok := e.Values[key]
		if !ok {
			return Effective{}, false
		}
		return Effective{Value: v, Entity: e.Entity, Level: level}, true
	}
	if user != "" && clientID != "" {
		if eff, ok := try(1, user+levelSep+clientID); ok {
			return eff, true
		}
	}
	if user != "" {
		for _, level := range []int{2, 3} {
			if eff, ok := try(level, user); ok {
				return eff, true
			}
		}
	}
	if clientID != "" {
		if eff, ok := try(4, clientID); ok {
			return eff, true
		}
	}
	for _, level := range []int{5, 6} {
		if eff, ok := try(level, ""); ok {
			return eff, true
		}
	}
	if clientID != "" {
		if eff, ok := try(7, clientID); ok {
			return eff, true
		}
	}
	return try(8, "")
}

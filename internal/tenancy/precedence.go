package tenancy

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

// quotaIndex holds quotas by the canonical string of their entity.
type quotaIndex map[string]Quota

func indexQuotas(quotas []Quota) quotaIndex {
	idx := quotaIndex{}
	for _, q := range quotas {
		idx[q.Entity.String()] = q
	}
	return idx
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

func (idx quotaIndex) resolveKey(key QuotaKey, user, clientID string) (Effective, bool) {
	for _, entity := range precedence(user, clientID) {
		q, ok := idx[entity.String()]
		if !ok {
			continue
		}
		if v, ok := q.Values[key]; ok {
			return Effective{Value: v, Entity: entity, Level: entity.Level()}, true
		}
	}
	return Effective{}, false
}

// precedence lists the entities Kafka consults for user and clientID, most
// specific first, leaving out the levels that need a name that is empty.
func precedence(user, clientID string) []Entity {
	var levels []Entity
	if user != "" && clientID != "" {
		levels = append(levels, Entity{User(user), ClientID(clientID)})
	}
	if user != "" {
		levels = append(levels, Entity{User(user), DefaultClientID()}, Entity{User(user)})
	}
	if clientID != "" {
		levels = append(levels, Entity{DefaultUser(), ClientID(clientID)})
	}
	levels = append(levels, Entity{DefaultUser(), DefaultClientID()}, Entity{DefaultUser()})
	if clientID != "" {
		levels = append(levels, Entity{ClientID(clientID)})
	}
	return append(levels, Entity{DefaultClientID()})
}

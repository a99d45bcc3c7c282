package tenancy

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// QuotaKey names one client quota setting.
type QuotaKey string

// The client quota keys Kafka knows (KIP-13, KIP-55, KIP-124, KIP-599,
// KIP-612).
const (
	// ProducerByteRate caps the bytes per second a user or client id may
	// produce to one broker.
	ProducerByteRate QuotaKey = "producer_byte_rate"
	// ConsumerByteRate caps the bytes per second a user or client id may
	// fetch from one broker.
	ConsumerByteRate QuotaKey = "consumer_byte_rate"
	// RequestPercentage caps the share of one broker's network and I/O
	// thread time a user or client id may use, in percent of one thread.
	RequestPercentage QuotaKey = "request_percentage"
	// ControllerMutationRate caps the partitions per second a user or
	// client id may create or delete through the active controller.
	ControllerMutationRate QuotaKey = "controller_mutation_rate"
	// ConnectionCreationRate caps the connections per second one IP
	// address may open to one broker.
	ConnectionCreationRate QuotaKey = "connection_creation_rate"
)

// valueKind is the type Kafka declares for a quota key in its ConfigDef.
// The wire carries every quota as a double; the declared type decides
// whether a fraction is accepted.
type valueKind int

const (
	kindDouble valueKind = iota
	kindLong
	kindInt
)

// keySpec is what Kafka declares about one key.
type keySpec struct {
	kind   valueKind
	ipOnly bool
	unit   string
}

// keySpecs encodes Kafka's own declarations, read from apache/kafka:
// server-common/.../server/config/QuotaConfig.java declares
// producer_byte_rate and consumer_byte_rate as LONG, request_percentage and
// controller_mutation_rate as DOUBLE (the user and client-id keys), and
// connection_creation_rate as INT (the only ip key). The controller
// (metadata/.../controller/ClientQuotaControlManager.java,
// validateQuotaKeyValue) rejects a key not declared for the entity's type,
// any value <= 0, a fractional part above 1e-6 on a LONG or INT key, and a
// value above the type's maximum.
var keySpecs = map[QuotaKey]keySpec{
	ConnectionCreationRate: {kind: kindInt, ipOnly: true, unit: "connections per second"},
	ConsumerByteRate:       {kind: kindLong, unit: "bytes per second"},
	ControllerMutationRate: {kind: kindDouble, unit: "partition mutations per second"},
	ProducerByteRate:       {kind: kindLong, unit: "bytes per second"},
	RequestPercentage:      {kind: kindDouble, unit: "percent of one thread"},
}

// fractionTolerance is the fractional part Kafka's controller still
// accepts on an integral key.
const fractionTolerance = 1e-6

// Keys returns every quota key, sorted.
func Keys() []QuotaKey {
	keys := make([]QuotaKey, 0, len(keySpecs))
	for k := range keySpecs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// KeysFor returns the keys Kafka accepts on entity, sorted: the four user
// and client-id keys for entities with a user or client-id component, and
// connection_creation_rate alone for ip entities.
func KeysFor(entity Entity) []QuotaKey {
	_, isIP := entity.Component(EntityIP)
	var keys []QuotaKey
	for _, k := range Keys() {
		if keySpecs[k].ipOnly == isIP {
			keys = append(keys, k)
		}
	}
	return keys
}

// IsIntegral reports whether Kafka stores key as a whole number and rejects
// fractions: producer_byte_rate and consumer_byte_rate (LONG) and
// connection_creation_rate (INT).
func IsIntegral(key QuotaKey) bool {
	return keySpecs[key].kind != kindDouble
}

// Quota is a client quota as Kafka stores it: an entity and its values.
// A key absent from Values is not limited at this entity.
type Quota struct {
	// Entity is what the quota is attached to.
	Entity Entity
	// Values maps each quota key set on the entity to its value.
	Values map[QuotaKey]float64
}

// ValidateQuota reports every reason Kafka's controller would refuse to
// store values on entity, checked here because some clusters (the
// embedded kfake among them) accept anything. Each error names the key,
// the value and the fix. An empty values map is refused too: a quota with
// no keys writes nothing.
func ValidateQuota(entity Entity, values map[QuotaKey]float64) error {
	if err := entity.Validate(); err != nil {
		return err
	}
	if len(values) == 0 {
		return fmt.Errorf("quota for %s sets no keys; set at least one of %s", entity, joinKeys(KeysFor(entity)))
	}
	keys := make([]QuotaKey, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var errs []error
	for _, k := range keys {
		if err := validateValue(entity, k, values[k]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func validateValue(entity Entity, key QuotaKey, value float64) error {
	spec, known := keySpecs[key]
	allowed := KeysFor(entity)
	switch {
	case !known:
		return fmt.Errorf("%q is not a Kafka quota key; %s accepts %s", key, entity, joinKeys(allowed))
	case !slices.Contains(allowed, key) && spec.ipOnly:
		return fmt.Errorf("%s is not valid for %s: Kafka accepts it only on ip entities such as ip=192.0.2.10 or ip=%s", key, entity, DefaultName)
	case !slices.Contains(allowed, key):
		return fmt.Errorf("%s is not valid for %s: ip entities accept only %s", key, entity, ConnectionCreationRate)
	case math.IsNaN(value) || math.IsInf(value, 0):
		return fmt.Errorf("%s = %v for %s is not a number; give a value in %s", key, value, entity, spec.unit)
	case value <= 0:
		return fmt.Errorf("%s = %s for %s: Kafka requires a value greater than 0; to lift the limit, remove the key instead", key, formatNumber(value), entity)
	case spec.kind != kindDouble && math.Abs(math.Mod(value, 1)) > fractionTolerance:
		return fmt.Errorf("%s = %s for %s: Kafka stores %s as a whole number of %s and rejects fractions; use %s or %s",
			key, formatNumber(value), entity, key, spec.unit, formatNumber(math.Floor(value)), formatNumber(math.Ceil(value)))
	case spec.kind == kindInt && value > math.MaxInt32:
		return fmt.Errorf("%s = %s for %s: Kafka stores %s as a 32-bit integer; the largest value it accepts is %d", key, formatNumber(value), entity, key, math.MaxInt32)
	case spec.kind == kindLong && value > math.MaxInt64:
		return fmt.Errorf("%s = %s for %s: Kafka stores %s as a 64-bit integer; the largest value it accepts is %d", key, formatNumber(value), entity, key, int64(math.MaxInt64))
	}
	return nil
}

func joinKeys(keys []QuotaKey) string {
	s := make([]string, len(keys))
	for i, k := range keys {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

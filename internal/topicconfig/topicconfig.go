// Package topicconfig is a catalogue of Apache Kafka's topic-level
// configuration keys (Kafka 3.9 and 4.x) with their value types and valid
// ranges. The provider checks topic configs against it at plan time
// because some clusters, the embedded kfake among them, accept any key and
// any value.
package topicconfig

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/agnivade/levenshtein"
)

// Kind is the value type Kafka declares for a config key.
type Kind int

// The value types of topic configs, as Kafka's ConfigDef names them.
const (
	Boolean Kind = iota
	Int
	Long
	Double
	String
	List
)

func (k Kind) String() string {
	switch k {
	case Boolean:
		return "boolean"
	case Int:
		return "int"
	case Long:
		return "long"
	case Double:
		return "double"
	case String:
		return "string"
	default:
		return "list"
	}
}

// Spec describes one topic config key.
type Spec struct {
	// Key is the config name, such as "retention.ms".
	Key string
	// Kind is its value type.
	Kind Kind
	// Min and Max bound numeric values, inclusive. Max is ignored when
	// zero for integers, and both are ignored for non-numeric kinds.
	Min, Max float64
	// OneOf, when non-empty, lists the only accepted values (for a List,
	// the accepted elements).
	OneOf []string
	// Pattern, when non-nil, must match each value (for a List, each
	// element).
	Pattern *regexp.Regexp
	// Also, when non-empty, lists extra values accepted outside Min..Max
	// (compression.gzip.level accepts -1 besides 1..9).
	Also []float64
}

var throttledReplicas = regexp.MustCompile(`^(\*|[0-9]+:[0-9]+)$`)

var specs = []Spec{
	{Key: "cleanup.policy", Kind: List, OneOf: []string{"compact", "delete"}},
	{Key: "compression.gzip.level", Kind: Int, Min: 1, Max: 9, Also: []float64{-1}},
	{Key: "compression.lz4.level", Kind: Int, Min: 1, Max: 17},
	{Key: "compression.type", Kind: String, OneOf: []string{"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"}},
	{Key: "compression.zstd.level", Kind: Int, Min: -131072, Max: 22},
	{Key: "delete.retention.ms", Kind: Long, Min: 0},
	{Key: "file.delete.delay.ms", Kind: Long, Min: 0},
	{Key: "flush.messages", Kind: Long, Min: 1},
	{Key: "flush.ms", Kind: Long, Min: 0},
	{Key: "follower.replication.throttled.replicas", Kind: List, Pattern: throttledReplicas},
	{Key: "index.interval.bytes", Kind: Int, Min: 0},
	{Key: "leader.replication.throttled.replicas", Kind: List, Pattern: throttledReplicas},
	{Key: "local.retention.bytes", Kind: Long, Min: -2},
	{Key: "local.retention.ms", Kind: Long, Min: -2},
	{Key: "max.compaction.lag.ms", Kind: Long, Min: 1},
	{Key: "max.message.bytes", Kind: Int, Min: 0},
	{Key: "message.downconversion.enable", Kind: Boolean},
	{Key: "message.timestamp.after.max.ms", Kind: Long, Min: 0},
	{Key: "message.timestamp.before.max.ms", Kind: Long, Min: 0},
	{Key: "message.timestamp.type", Kind: String, OneOf: []string{"CreateTime", "LogAppendTime"}},
	{Key: "min.cleanable.dirty.ratio", Kind: Double, Min: 0, Max: 1},
	{Key: "min.compaction.lag.ms", Kind: Long, Min: 0},
	{Key: "min.insync.replicas", Kind: Int, Min: 1},
	{Key: "preallocate", Kind: Boolean},
	{Key: "remote.log.copy.disable", Kind: Boolean},
	{Key: "remote.log.delete.on.disable", Kind: Boolean},
	{Key: "remote.storage.enable", Kind: Boolean},
	{Key: "retention.bytes", Kind: Long, Min: -1},
	{Key: "retention.ms", Kind: Long, Min: -1},
	{Key: "segment.bytes", Kind: Int, Min: 1 << 20},
	{Key: "segment.index.bytes", Kind: Int, Min: 4},
	{Key: "segment.jitter.ms", Kind: Long, Min: 0},
	{Key: "segment.ms", Kind: Long, Min: 1},
	{Key: "unclean.leader.election.enable", Kind: Boolean},
}

var byKey = func() map[string]Spec {
	m := make(map[string]Spec, len(specs))
	for _, s := range specs {
		m[s.Key] = s
	}
	return m
}()

// Keys returns every known key in alphabetical order.
func Keys() []string {
	keys := make([]string, len(specs))
	for i, s := range specs {
		keys[i] = s.Key
	}
	sort.Strings(keys)
	return keys
}

// Lookup returns the spec of key.
func Lookup(key string) (Spec, bool) {
	s, ok := byKey[key]
	return s, ok
}

// Suggest returns up to three known keys close to key, closest first, for
// "did you mean" messages. It returns nothing when no key is close.
func Suggest(key string) []string {
	type scored struct {
		key  string
		dist int
	}
	var nearKeys []scored
	for _, s := range specs {
		if near(key, s.Key) {
			nearKeys = append(nearKeys, scored{s.Key, levenshtein.ComputeDistance(key, s.Key)})
		}
	}
	sort.Slice(nearKeys, func(i, j int) bool {
		if nearKeys[i].dist != nearKeys[j].dist {
			return nearKeys[i].dist < nearKeys[j].dist
		}
		return nearKeys[i].key < nearKeys[j].key
	})
	out := make([]string, 0, 3)
	for i := 0; i < len(nearKeys) && i < 3; i++ {
		out = append(out, nearKeys[i].key)
	}
	return out
}

// near reports whether candidate is nearKeys enough to key to suggest: a
// third of key's length in edits, or one containing the other.
func near(key, candidate string) bool {
	d := levenshtein.ComputeDistance(key, candidate)
	return d <= max(2, len(key)/3) || (len(key) >= 4 && (strings.Contains(candidate, key) || strings.Contains(key, candidate)))
}

// Validate checks value against the spec of key. The error says what is
// wrong and what is accepted, without naming the key, so that callers can
// attach it to the attribute at fault.
func Validate(key, value string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	return byKey[key].validate(value)
}

// CheckKey reports whether key is a topic config, with the closest known
// keys in the error when it is not. It lets callers check a key whose value
// is not known yet.
func CheckKey(key string) error {
	if _, ok := byKey[key]; ok {
		return nil
	}
	if sug := Suggest(key); len(sug) > 0 {
		return fmt.Errorf("%q is not a Kafka topic config; did you mean %s?", key, quoteJoin(sug, " or "))
	}
	return fmt.Errorf("%q is not a Kafka topic config; known keys are %s", key, quoteJoin(Keys(), ", "))
}

func (s Spec) validate(value string) error {
	switch s.Kind {
	case Boolean:
		// Kafka's ConfigDef parses booleans ignoring case.
		if !strings.EqualFold(value, "true") && !strings.EqualFold(value, "false") {
			return fmt.Errorf("value %q is not a boolean: use \"true\" or \"false\"", value)
		}
	case Int, Long:
		bits := 64
		if s.Kind == Int {
			bits = 32
		}
		n, err := strconv.ParseInt(value, 10, bits)
		if err != nil {
			return fmt.Errorf("value %q is not a whole number that fits a %d-bit %s", value, bits, s.Kind)
		}
		return s.checkRange(float64(n), value)
	case Double:
		f, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("value %q is not a number", value)
		}
		return s.checkRange(f, value)
	case String:
		return s.checkElement(value)
	case List:
		if strings.TrimSpace(value) == "" {
			return fmt.Errorf("value is empty: give at least one element")
		}
		for _, e := range strings.Split(value, ",") {
			if err := s.checkElement(strings.TrimSpace(e)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s Spec) checkRange(f float64, value string) error {
	if slices.Contains(s.Also, f) {
		return nil
	}
	hasMax := s.Max != 0 || s.Kind == Double
	if f < s.Min || (hasMax && f > s.Max) {
		return fmt.Errorf("value %s is out of range: it must be %s", value, s.rangeText())
	}
	return nil
}

func (s Spec) rangeText() string {
	text := fmt.Sprintf("at least %s", formatNumber(s.Min))
	if s.Max != 0 || s.Kind == Double {
		text = fmt.Sprintf("between %s and %s", formatNumber(s.Min), formatNumber(s.Max))
	}
	for _, a := range s.Also {
		text += fmt.Sprintf(", or %s", formatNumber(a))
	}
	return text
}

func (s Spec) checkElement(e string) error {
	if len(s.OneOf) > 0 && !slices.Contains(s.OneOf, e) {
		return fmt.Errorf("value %q is not allowed: use %s", e, quoteJoin(s.OneOf, ", "))
	}
	if s.Pattern != nil && !s.Pattern.MatchString(e) {
		return fmt.Errorf("value %q is not allowed: use \"*\" or a comma-separated list of partition:broker pairs such as \"0:101,1:102\"", e)
	}
	return nil
}

// Equivalent reports whether two values of key mean the same to Kafka:
// numbers compare by value and list elements ignore surrounding spaces. A
// cluster can echo a value back in another spelling, and Equivalent keeps
// that from showing as drift.
func Equivalent(key, a, b string) bool {
	if a == b {
		return true
	}
	s, ok := byKey[key]
	if !ok {
		return false
	}
	switch s.Kind {
	case Int, Long, Double:
		fa, errA := strconv.ParseFloat(strings.TrimSpace(a), 64)
		fb, errB := strconv.ParseFloat(strings.TrimSpace(b), 64)
		return errA == nil && errB == nil && fa == fb
	case List:
		// Every list-typed topic config is a set to Kafka:
		// "delete,compact" and "compact,delete" are the same policy.
		la, lb := splitList(a), splitList(b)
		slices.Sort(la)
		slices.Sort(lb)
		return slices.Equal(la, lb)
	case Boolean:
		return strings.EqualFold(a, b)
	}
	return false
}

func splitList(v string) []string {
	parts := strings.Split(v, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func formatNumber(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func quoteJoin(items []string, sep string) string {
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = strconv.Quote(it)
	}
	return strings.Join(quoted, sep)
}

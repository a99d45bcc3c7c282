package tenancy

import (
	"fmt"
	"math"
	"strings"
)

// CapacityViolation is a capacity rule broken, with the arithmetic a reviewer
// needs in its message.
type CapacityViolation struct {
	// Dimension is the quota key, or "partitions".
	Dimension string
	// VirtualCluster names the virtual cluster whose envelope is broken,
	// or is "" for the cluster's declared capacity.
	VirtualCluster string
	// Message is the full explanation.
	Message string
}

// Error returns the message.
func (v CapacityViolation) Error() string { return v.Message }

// maxHoldersShown is how many of the largest holders a message names.
const maxHoldersShown = 3

// Violations returns one violation per checked key that is over its
// allowed total or unbounded, in CapacityKeys order. Keys that are not
// checked never produce one.
//
// In a report from AllocateChange or CheckEnvelope with a change, only the
// problems the change causes or worsens are violations: a key over its
// limit whose allocation the change raises, and unbounded reasons the
// change introduces. A change that lowers an overcommitted key, or leaves
// it alone, is not refused, so that an overcommitted cluster can be
// repaired; those standing problems are in Warnings.
func (r Report) Violations() []CapacityViolation { return r.problems(true) }

// Warnings returns the problems a change neither causes nor worsens: keys
// already over their limit and unbounded reasons that already stood. It is
// empty for reports without a change, whose problems are all Violations.
func (r Report) Warnings() []CapacityViolation { return r.problems(false) }

func (r Report) problems(blocking bool) []CapacityViolation {
	var out []CapacityViolation
	for _, key := range CapacityKeys {
		k, ok := r.Keys[key]
		if !ok || !k.Checked {
			continue
		}
		var parts []string
		if Exceeds(k.Allocated, k.Allowed) && (r.Change == nil || k.Change > 0) == blocking {
			parts = append(parts, r.overText(k))
		}
		var reasons []string
		for _, u := range k.Unbounded {
			if (r.Change == nil || u.CausedByChange) == blocking {
				reasons = append(reasons, u.Reason)
			}
		}
		if len(reasons) > 0 {
			parts = append(parts, fmt.Sprintf("%s cannot be bounded%s: %s", key, r.where(), strings.Join(reasons, "; ")))
		}
		if len(parts) > 0 {
			out = append(out, CapacityViolation{Dimension: string(key), VirtualCluster: r.VirtualCluster, Message: strings.Join(parts, ". ")})
		}
	}
	return out
}

// Exceeds reports whether allocated exceeds allowed by more than float
// noise: fractional quotas that fill a limit exactly may sum a few ulps
// above it, and that is not an overcommitment.
func Exceeds(allocated, allowed float64) bool {
	return allocated > allowed+math.Abs(allowed)*1e-9
}

func (r Report) where() string {
	if r.VirtualCluster == "" {
		return ""
	}
	return " in virtual cluster " + r.VirtualCluster
}

func (r Report) overText(k KeyAllocation) string {
	var b strings.Builder
	if r.Change == nil {
		fmt.Fprintf(&b, "%s%s: %s allocated %s", k.Key, r.where(), formatValue(k.Key, k.Allocated), scopeWord(k.Key))
	} else {
		fmt.Fprintf(&b, "%s%s: %s requested %s (already allocated %s %s this change %s, %s)",
			k.Key, r.where(), formatValue(k.Key, k.Allocated), scopeWord(k.Key),
			shortValue(k.Key, k.AlreadyAllocated), sign(k.Change), shortValue(k.Key, math.Abs(k.Change)), r.describeChange(k.Key))
	}
	fmt.Fprintf(&b, " exceeds %s allowed by %s (%s)", formatValue(k.Key, k.Allowed), shortValue(k.Key, k.Allocated-k.Allowed), k.Explanation)
	if len(k.Holders) > 0 {
		b.WriteString("; largest holders: ")
		for i, h := range k.Holders[:min(len(k.Holders), maxHoldersShown)] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(formatHolder(k.Key, h))
		}
	}
	if r.VirtualCluster == "" {
		b.WriteString("; lower a quota, declare more capacity, or raise oversubscription")
	} else {
		b.WriteString("; lower a quota of this virtual cluster's tenants, or raise its envelope")
	}
	return b.String()
}

// describeChange says what the change does to key, such as
// "user=team-a from 50 MB/s to 80 MB/s".
func (r Report) describeChange(key QuotaKey) string {
	newValue, hasNew := r.Change.Values[key]
	var oldValue float64
	hasOld := false
	if r.Previous != nil {
		oldValue, hasOld = r.Previous.Values[key]
	}
	switch {
	case hasOld && hasNew:
		return fmt.Sprintf("%s from %s to %s", r.Change.Entity, shortValue(key, oldValue), shortValue(key, newValue))
	case hasNew:
		return fmt.Sprintf("%s set to %s", r.Change.Entity, shortValue(key, newValue))
	case hasOld:
		return fmt.Sprintf("%s removed", r.Change.Entity)
	}
	return fmt.Sprintf("%s, which moves other principals between <default> buckets", r.Change.Entity)
}

func formatHolder(key QuotaKey, h Holder) string {
	if h.Buckets == 1 {
		return fmt.Sprintf("%s %s", h.Entity, shortValue(key, h.Total))
	}
	return fmt.Sprintf("%s %d × %s = %s", h.Entity, h.Buckets, shortValue(key, h.Value), shortValue(key, h.Total))
}

func sign(v float64) string {
	if v < 0 {
		return "−"
	}
	return "+"
}

// scopeWord says where Kafka enforces key.
func scopeWord(key QuotaKey) string {
	if key == ControllerMutationRate {
		return "cluster-wide"
	}
	return "per broker"
}

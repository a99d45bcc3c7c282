package tenancy

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Envelope is the capacity a virtual cluster may hand to its tenants, per
// broker. A zero field is not declared, and that dimension is not checked
// for the virtual cluster.
type Envelope struct {
	// ConsumerByteRate bounds the sum of its tenants' consumer_byte_rate
	// buckets on each broker.
	ConsumerByteRate float64 `json:"consumer_byte_rate,omitempty"`
	// Partitions bounds its tenants' partition replicas on each broker.
	Partitions int `json:"partitions,omitempty"`
	// ProducerByteRate bounds the sum of its tenants' producer_byte_rate
	// buckets on each broker.
	ProducerByteRate float64 `json:"producer_byte_rate,omitempty"`
	// RequestPercentage bounds the sum of its tenants' request_percentage
	// buckets on each broker.
	RequestPercentage float64 `json:"request_percentage,omitempty"`
}

// Validate reports every envelope figure that is negative or not a number.
func (e Envelope) Validate() error {
	var errs []error
	for _, d := range envelopeDimensions {
		if v := e.value(d); math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			errs = append(errs, fmt.Errorf("envelope %s = %v: it must be a finite number, 0 or more (0 leaves it unchecked)", d, v))
		}
	}
	return errors.Join(errs...)
}

// partitionsDimension names the partition dimension in envelopes and
// violations.
const partitionsDimension = "partitions"

// envelopeDimensions are the dimensions an envelope declares, in the order
// reports list them.
var envelopeDimensions = []string{string(ProducerByteRate), string(ConsumerByteRate), string(RequestPercentage), partitionsDimension}

func (e Envelope) value(dimension string) float64 {
	switch dimension {
	case string(ProducerByteRate):
		return e.ProducerByteRate
	case string(ConsumerByteRate):
		return e.ConsumerByteRate
	case string(RequestPercentage):
		return e.RequestPercentage
	case partitionsDimension:
		return float64(e.Partitions)
	}
	return 0
}

// CheckEnvelope is AllocateChange for one virtual cluster: it counts the
// buckets of the virtual cluster's principals (user names as quota
// entities write them, without "User:") and sets them against its
// envelope. The envelope is itself the limit: neither headroom nor
// oversubscription applies, as the platform team sized it on purpose.
// change is the quota this plan writes, or nil to report the quotas as
// they are.
//
// The counting rules are Allocate's, restricted to the virtual cluster:
// quotas naming other users do not count; client-id=C quotas do not count,
// because a client id is shared by every user that sends it and so belongs
// to no virtual cluster (the cluster-wide check counts them); user=<default>
// forms count one bucket per principal of the virtual cluster that Kafka
// resolves to them; user=<default>,client-id=<default> and
// client-id=<default> are unbounded only when one of its principals falls
// through to them. controller_mutation_rate is not part of an envelope and
// is reported as not checked.
func CheckEnvelope(virtualCluster string, env Envelope, principals []string, existing []Quota, change *Quota) Report {
	members := map[string]bool{}
	for _, p := range principals {
		members[p] = true
	}
	sc := newScope(virtualCluster, members)
	before := indexQuotas(existing)
	if change == nil {
		return buildReport(sc, envelopeLimit(virtualCluster, env), before, before, nil, nil)
	}
	return buildReport(sc, envelopeLimit(virtualCluster, env), before, before.with(*change), change, before.get(change.Entity))
}

func envelopeLimit(virtualCluster string, env Envelope) func(QuotaKey) keyLimit {
	return func(key QuotaKey) keyLimit {
		if key == ControllerMutationRate {
			return keyLimit{notChecked: fmt.Sprintf("%s is not part of a virtual cluster's envelope; it is checked cluster-wide only", key)}
		}
		v := env.value(string(key))
		if v == 0 {
			return keyLimit{notChecked: fmt.Sprintf("%s is not checked in virtual cluster %s: its envelope does not declare it", key, virtualCluster)}
		}
		return keyLimit{allowed: v, usable: v, explanation: "the capacity envelope of virtual cluster " + virtualCluster}
	}
}

// NamedEnvelope is a virtual cluster's envelope with its name.
type NamedEnvelope struct {
	// VirtualCluster is the virtual cluster's name.
	VirtualCluster string
	// Envelope is its capacity envelope.
	Envelope Envelope
}

// EnvelopeShare is one virtual cluster's part of an envelope sum.
type EnvelopeShare struct {
	// VirtualCluster is the virtual cluster's name.
	VirtualCluster string
	// Value is its envelope figure.
	Value float64
}

// EnvelopeSum is the sum of every virtual cluster's envelope for one
// dimension, set against the declared capacity.
type EnvelopeSum struct {
	// Dimension is a quota key or "partitions".
	Dimension string
	// Checked is false when the capacity for Dimension is not declared.
	Checked bool
	// NotChecked says why Dimension is not checked, or is "".
	NotChecked string
	// Allowed is what the envelopes may add up to: Capacity.Allowed for a
	// quota key, PartitionsPerBroker for partitions.
	Allowed float64
	// Explanation shows how Allowed was derived.
	Explanation string
	// Total is the sum of the envelopes, with the change if any.
	Total float64
	// AlreadyTotal is Total before the change.
	AlreadyTotal float64
	// Change is Total − AlreadyTotal.
	Change float64
	// Free is Allowed − Total.
	Free float64
	// Shares are the virtual clusters' envelopes, largest first.
	Shares []EnvelopeShare
}

// EnvelopesReport sets the sum of all virtual clusters' envelopes against
// the declared capacity.
type EnvelopesReport struct {
	// Change is the envelope this plan writes, or nil.
	Change *NamedEnvelope
	// Previous is the envelope Change replaces, or nil.
	Previous *NamedEnvelope
	// Sums holds one sum per dimension: producer_byte_rate,
	// consumer_byte_rate, request_percentage, partitions.
	Sums []EnvelopeSum
}

// CheckEnvelopes adds up every virtual cluster's envelope per dimension,
// per broker, and sets the sums against c: oversubscription × usable for
// the quota keys, partitions_per_broker for partitions. change, when not
// nil, replaces the envelope of the virtual cluster of the same name in
// existing (or adds it).
func CheckEnvelopes(c Capacity, existing []NamedEnvelope, change *NamedEnvelope) EnvelopesReport {
	after := existing
	var previous *NamedEnvelope
	if change != nil {
		after = nil
		for i, e := range existing {
			if e.VirtualCluster == change.VirtualCluster {
				previous = &existing[i]
				continue
			}
			after = append(after, e)
		}
		after = append(after, *change)
	}
	r := EnvelopesReport{Change: change, Previous: previous}
	for _, d := range envelopeDimensions {
		sum := EnvelopeSum{Dimension: d}
		sum.Allowed, sum.Explanation, sum.NotChecked = envelopeCapacity(c, d)
		sum.Checked = sum.NotChecked == ""
		for _, e := range existing {
			sum.AlreadyTotal += e.Envelope.value(d)
		}
		for _, e := range after {
			if v := e.Envelope.value(d); v > 0 {
				sum.Total += v
				sum.Shares = append(sum.Shares, EnvelopeShare{VirtualCluster: e.VirtualCluster, Value: v})
			}
		}
		slices.SortStableFunc(sum.Shares, func(a, b EnvelopeShare) int {
			return cmp.Or(cmp.Compare(b.Value, a.Value), cmp.Compare(a.VirtualCluster, b.VirtualCluster))
		})
		sum.Change = sum.Total - sum.AlreadyTotal
		sum.Free = sum.Allowed - sum.Total
		r.Sums = append(r.Sums, sum)
	}
	return r
}

func envelopeCapacity(c Capacity, dimension string) (allowed float64, explanation, notChecked string) {
	if dimension == partitionsDimension {
		if c.PartitionsPerBroker == 0 {
			return 0, "", notDeclared(partitionsDimension, []string{"partitions_per_broker"})
		}
		return float64(c.PartitionsPerBroker), fmt.Sprintf("partitions_per_broker = %d; headroom and oversubscription do not apply to partitions", c.PartitionsPerBroker), ""
	}
	key := QuotaKey(dimension)
	allowed, _ = c.Allowed(key)
	return allowed, c.Explain(key), c.NotChecked(key)
}

// Violations returns one violation per checked dimension whose envelopes
// add up to more than allowed. With a change, only a dimension the change
// raises is a violation, so that shrinking an envelope is never refused;
// the rest are in Warnings.
func (r EnvelopesReport) Violations() []CapacityViolation { return r.problems(true) }

// Warnings returns the dimensions over their limit that a change does not
// raise. It is empty for reports without a change.
func (r EnvelopesReport) Warnings() []CapacityViolation { return r.problems(false) }

func (r EnvelopesReport) problems(blocking bool) []CapacityViolation {
	var out []CapacityViolation
	for _, s := range r.Sums {
		if !s.Checked || !Exceeds(s.Total, s.Allowed) || (r.Change == nil || s.Change > 0) != blocking {
			continue
		}
		out = append(out, CapacityViolation{Dimension: s.Dimension, Message: r.overText(s)})
	}
	return out
}

func (r EnvelopesReport) overText(s EnvelopeSum) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: virtual cluster envelopes add up to %s per broker", s.Dimension, formatDimension(s.Dimension, s.Total, true))
	if r.Change != nil {
		before := 0.0
		if r.Previous != nil {
			before = r.Previous.Envelope.value(s.Dimension)
		}
		fmt.Fprintf(&b, " (already %s %s this change %s, virtual cluster %s from %s to %s)",
			formatDimension(s.Dimension, s.AlreadyTotal, false), sign(s.Change), formatDimension(s.Dimension, math.Abs(s.Change), false),
			r.Change.VirtualCluster, formatDimension(s.Dimension, before, false), formatDimension(s.Dimension, r.Change.Envelope.value(s.Dimension), false))
	}
	fmt.Fprintf(&b, " and exceed %s allowed by %s (%s)", formatDimension(s.Dimension, s.Allowed, true), formatDimension(s.Dimension, s.Total-s.Allowed, false), s.Explanation)
	b.WriteString("; largest envelopes: ")
	for i, sh := range s.Shares[:min(len(s.Shares), maxHoldersShown)] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", sh.VirtualCluster, formatDimension(s.Dimension, sh.Value, false))
	}
	if s.Dimension == partitionsDimension {
		b.WriteString("; shrink an envelope, or declare more partitions_per_broker")
	} else {
		b.WriteString("; shrink an envelope, declare more capacity, or raise oversubscription")
	}
	return b.String()
}

// formatDimension formats v in the unit of dimension, in full or briefly.
func formatDimension(dimension string, v float64, full bool) string {
	switch {
	case dimension == partitionsDimension && full:
		return formatNumber(RoundFigure(dimension, v)) + " partition replicas"
	case dimension == partitionsDimension:
		return formatNumber(RoundFigure(dimension, v))
	case full:
		return formatValue(QuotaKey(dimension), v)
	}
	return shortValue(QuotaKey(dimension), v)
}

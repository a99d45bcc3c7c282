package tenancy

import (
	"strings"
	"testing"
)

func TestCheckEnvelope(t *testing.T) {
	env := Envelope{ProducerByteRate: 120e6}
	principals := []string{"london.alice", "london.bob"}
	existing := []Quota{
		producer(Entity{User("london.alice")}, 60e6),
		producer(Entity{User("london.bob")}, 40e6),
		producer(Entity{User("paris.carol")}, 500e6),                  // another virtual cluster
		producer(Entity{ClientID("shared-tool")}, 5e6),                // belongs to no virtual cluster
		producer(Entity{DefaultUser()}, 10e6),                         // every london principal has its own
		producer(Entity{User("paris.carol"), DefaultClientID()}, 1e6), // unbounded, but not london's
	}
	r := CheckEnvelope("london", env, principals, existing, nil)
	k := r.Keys[ProducerByteRate]
	if !approx(k.Allocated, 100e6) || !approx(k.Free, 20e6) || len(k.Unbounded) != 0 {
		t.Errorf("allocated %v, free %v, unbounded %+v; want 100 MB/s, 20 MB/s, none", k.Allocated, k.Free, k.Unbounded)
	}
	if vs := r.Violations(); len(vs) != 0 {
		t.Errorf("Violations() = %v, want none", vs)
	}
	for _, key := range []QuotaKey{ConsumerByteRate, RequestPercentage, ControllerMutationRate} {
		if r.Keys[key].Checked {
			t.Errorf("%s checked, want not checked: the envelope does not declare it", key)
		}
	}
	if got := r.Keys[ControllerMutationRate].NotChecked; got != "controller_mutation_rate is not part of a virtual cluster's envelope; it is checked cluster-wide only" {
		t.Errorf("controller NotChecked = %q", got)
	}
	if got := r.Keys[ConsumerByteRate].NotChecked; got != "consumer_byte_rate is not checked in virtual cluster london: its envelope does not declare it" {
		t.Errorf("consumer NotChecked = %q", got)
	}

	change := producer(Entity{User("london.bob")}, 70e6)
	r = CheckEnvelope("london", env, principals, existing, &change)
	want := "producer_byte_rate in virtual cluster london: 130 MB/s (130000000 B/s) requested per broker " +
		"(already allocated 100 MB/s + this change 30 MB/s, user=london.bob from 40 MB/s to 70 MB/s) " +
		"exceeds 120 MB/s (120000000 B/s) allowed by 10 MB/s (the capacity envelope of virtual cluster london); " +
		"largest holders: user=london.bob 70 MB/s, user=london.alice 60 MB/s; lower a quota of this virtual cluster's tenants, or raise its envelope"
	vs := r.Violations()
	if len(vs) != 1 || vs[0].Error() != want || vs[0].VirtualCluster != "london" {
		t.Errorf("Violations() = %v, want\n %s", vs, want)
	}

	other := producer(Entity{User("paris.carol")}, 900e6)
	if vs := CheckEnvelope("london", env, principals, existing, &other).Violations(); len(vs) != 0 {
		t.Errorf("a change to another virtual cluster's tenant: Violations() = %v, want none", vs)
	}
}

func TestCheckEnvelope_defaultsCountOnlyWhereTheyApply(t *testing.T) {
	existing := []Quota{
		producer(Entity{User("london.alice")}, 60e6),
		producer(Entity{DefaultClientID()}, 1e6),
	}
	env := Envelope{ProducerByteRate: 120e6}
	k := CheckEnvelope("london", env, []string{"london.alice"}, existing, nil).Keys[ProducerByteRate]
	if len(k.Unbounded) != 0 {
		t.Errorf("client-id=<default> reaches no london principal, yet unbounded = %+v", k.Unbounded)
	}
	k = CheckEnvelope("london", env, []string{"london.alice", "london.dave"}, existing, nil).Keys[ProducerByteRate]
	if len(k.Unbounded) != 1 || k.Unbounded[0].Entity.String() != "client-id=<default>" {
		t.Errorf("london.dave falls through to client-id=<default>: unbounded = %+v", k.Unbounded)
	}

	withDefault := append(existing, producer(Entity{DefaultUser()}, 10e6))
	k = CheckEnvelope("london", env, []string{"london.alice", "london.dave", "london.erin"}, withDefault, nil).Keys[ProducerByteRate]
	if !approx(k.Allocated, 80e6) || len(k.Unbounded) != 0 {
		t.Errorf("user=<default> for dave and erin: allocated %v, unbounded %+v; want 80 MB/s, none", k.Allocated, k.Unbounded)
	}
}

func TestCheckEnvelopes(t *testing.T) {
	london := NamedEnvelope{VirtualCluster: "london", Envelope: Envelope{ProducerByteRate: 80e6, ConsumerByteRate: 300e6, RequestPercentage: 400, Partitions: 2000}}
	paris := NamedEnvelope{VirtualCluster: "paris", Envelope: Envelope{ProducerByteRate: 60e6, ConsumerByteRate: 300e6, RequestPercentage: 400, Partitions: 1500}}
	existing := []NamedEnvelope{london, paris}
	c := workedExample()

	r := CheckEnvelopes(c, existing, nil)
	if vs := r.Violations(); len(vs) != 0 {
		t.Fatalf("Violations() = %v, want none", vs)
	}
	wantFree := map[string]float64{"producer_byte_rate": 20e6, "consumer_byte_rate": 80e6, "request_percentage": 80, "partitions": 500}
	for _, s := range r.Sums {
		if !s.Checked || !approx(s.Free, wantFree[s.Dimension]) {
			t.Errorf("%s: checked %v, free %v; want %v", s.Dimension, s.Checked, s.Free, wantFree[s.Dimension])
		}
	}

	tests := []struct {
		name          string
		change        NamedEnvelope
		existing      []NamedEnvelope
		wantViolation []string
		wantWarning   []string
	}{
		{
			name:     "growing an envelope past capacity",
			change:   NamedEnvelope{VirtualCluster: "paris", Envelope: Envelope{ProducerByteRate: 100e6, ConsumerByteRate: 300e6, RequestPercentage: 400, Partitions: 2500}},
			existing: existing,
			wantViolation: []string{
				"producer_byte_rate: virtual cluster envelopes add up to 180 MB/s (180000000 B/s) per broker (already 140 MB/s + this change 40 MB/s, virtual cluster paris from 60 MB/s to 100 MB/s) " +
					"and exceed 160 MB/s (160000000 B/s) allowed by 20 MB/s (usable 160 MB/s × oversubscription 1.0; usable = (1 − headroom 0.20) × min(disk write 600 MB/s, network in 1250 MB/s) ÷ replication factor 3); " +
					"largest envelopes: paris 100 MB/s, london 80 MB/s; shrink an envelope, declare more capacity, or raise oversubscription",
				"partitions: virtual cluster envelopes add up to 4500 partition replicas per broker (already 3500 + this change 1000, virtual cluster paris from 1500 to 2500) and exceed 4000 partition replicas allowed by 500",
			},
		},
		{
			name:          "a new virtual cluster",
			change:        NamedEnvelope{VirtualCluster: "berlin", Envelope: Envelope{RequestPercentage: 100}},
			existing:      existing,
			wantViolation: []string{"request_percentage: virtual cluster envelopes add up to 900% per broker (already 800% + this change 100%, virtual cluster berlin from 0% to 100%) and exceed 880% allowed by 20%"},
		},
		{
			name:        "shrinking an overcommitted envelope is not refused",
			change:      NamedEnvelope{VirtualCluster: "paris", Envelope: Envelope{ProducerByteRate: 90e6}},
			existing:    []NamedEnvelope{london, {VirtualCluster: "paris", Envelope: Envelope{ProducerByteRate: 100e6}}},
			wantWarning: []string{"already 180 MB/s − this change 10 MB/s, virtual cluster paris from 100 MB/s to 90 MB/s"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			change := tt.change
			r := CheckEnvelopes(c, tt.existing, &change)
			checkAll(t, "Violations", r.Violations(), tt.wantViolation)
			checkAll(t, "Warnings", r.Warnings(), tt.wantWarning)
		})
	}
}

func TestCheckEnvelopes_undeclaredCapacity(t *testing.T) {
	r := CheckEnvelopes(Capacity{}, []NamedEnvelope{{VirtualCluster: "a", Envelope: Envelope{ProducerByteRate: 1e12, Partitions: 1e6}}}, nil)
	if vs := r.Violations(); len(vs) != 0 {
		t.Errorf("Violations() = %v, want none", vs)
	}
	for _, s := range r.Sums {
		if s.Checked || !strings.Contains(s.NotChecked, "not declared") {
			t.Errorf("%s: Checked = %v, NotChecked = %q", s.Dimension, s.Checked, s.NotChecked)
		}
	}
}

func TestEnvelope_Validate(t *testing.T) {
	if err := (Envelope{ProducerByteRate: 1, Partitions: 10}).Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
	err := Envelope{ConsumerByteRate: -1, Partitions: -2}.Validate()
	if err == nil || !strings.Contains(err.Error(), "envelope consumer_byte_rate = -1") || !strings.Contains(err.Error(), "envelope partitions = -2") {
		t.Errorf("Validate() = %v", err)
	}
}

func TestCheckEnvelopePartitions(t *testing.T) {
	env := Envelope{Partitions: 100}
	tests := []struct {
		name                 string
		env                  Envelope
		brokers              int
		existing, added      int
		wantChecked          bool
		wantErr, wantNotRead string
	}{
		{"fits", env, 6, 500, 100, true, "", ""},
		{"over", env, 6, 580, 30, true, "partitions in virtual cluster london: 610 partition replicas requested (already 580 + this change 30) exceed 600 allowed by 10 (envelope of virtual cluster london: 100 per broker × 6 brokers); each partition counts once per replica; delete unused topics of this virtual cluster, or raise its envelope", ""},
		{"no envelope partitions", Envelope{}, 6, 1e6, 1, false, "", "its envelope does not declare them"},
		{"broker count unknown", env, 0, 1e6, 1, false, "", "the broker count is not known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check, err := CheckEnvelopePartitions("london", tt.env, tt.brokers, tt.existing, tt.added)
			if check.Checked != tt.wantChecked || !strings.Contains(check.NotChecked, tt.wantNotRead) {
				t.Errorf("Checked = %v, NotChecked = %q", check.Checked, check.NotChecked)
			}
			if (tt.wantErr == "") != (err == nil) || (err != nil && err.Error() != tt.wantErr) {
				t.Errorf("error =\n %v\nwant\n %s", err, tt.wantErr)
			}
		})
	}
}

// checkAll expects one problem per entry of want, in order, each containing
// that entry.
func checkAll(t *testing.T, what string, got []CapacityViolation, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s() = %v, want %d", what, got, len(want))
		return
	}
	for i := range want {
		if !strings.Contains(got[i].Error(), want[i]) {
			t.Errorf("%s()[%d] =\n %s\nwant it to contain\n %s", what, i, got[i], want[i])
		}
	}
}

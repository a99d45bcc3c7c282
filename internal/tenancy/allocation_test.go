package tenancy

import (
	"fmt"
	"strings"
	"testing"
)

// producerOnly declares only what producer_byte_rate needs, so the other
// keys are not checked and tests can look at one key: 160 MB/s usable.
func producerOnly() Capacity {
	return Capacity{DiskWriteBytesPerSecond: 600e6, ReplicationFactor: 3, Headroom: 0.2}
}

func producer(e Entity, v float64) Quota {
	return Quota{Entity: e, Values: map[QuotaKey]float64{ProducerByteRate: v}}
}

func TestAllocate_countingRules(t *testing.T) {
	tests := []struct {
		name          string
		quotas        []Quota
		principals    []string
		wantAllocated float64
		wantHolders   []string // formatHolder output, largest first
		wantUnbounded []string // Unbounded.id()
	}{
		{
			name:          "user quotas are one bucket each",
			quotas:        []Quota{producer(Entity{User("team-b")}, 70e6), producer(Entity{User("team-a")}, 80e6)},
			principals:    []string{"team-a", "team-b"},
			wantAllocated: 150e6,
			wantHolders:   []string{"user=team-a 80 MB/s", "user=team-b 70 MB/s"},
		},
		{
			name:          "a carve-out adds to its user's total",
			quotas:        []Quota{producer(Entity{User("a")}, 50e6), producer(Entity{User("a"), ClientID("etl")}, 20e6)},
			wantAllocated: 70e6,
			wantHolders:   []string{"user=a 50 MB/s", "user=a,client-id=etl 20 MB/s"},
		},
		{
			name:          "client-id quota is one bucket",
			quotas:        []Quota{producer(Entity{User("a")}, 50e6), producer(Entity{ClientID("shared-tool")}, 5e6)},
			wantAllocated: 55e6,
			wantHolders:   []string{"user=a 50 MB/s", "client-id=shared-tool 5 MB/s"},
		},
		{
			name:          "user default is one bucket per principal without its own quota",
			quotas:        []Quota{producer(Entity{User("a")}, 50e6), producer(Entity{DefaultUser()}, 10e6)},
			principals:    []string{"a", "b", "c"},
			wantAllocated: 70e6,
			wantHolders:   []string{"user=a 50 MB/s", "user=<default> 2 × 10 MB/s = 20 MB/s"},
		},
		{
			name: "user default with named client counts principals lacking levels 1 to 3",
			quotas: []Quota{
				producer(Entity{User("a")}, 50e6),
				producer(Entity{User("b"), ClientID("etl")}, 7e6),
				producer(Entity{DefaultUser()}, 10e6),
				producer(Entity{DefaultUser(), ClientID("etl")}, 5e6),
			},
			principals:    []string{"a", "b", "c"},
			wantAllocated: 50e6 + 7e6 + 2*10e6 + 5e6, // etl default only for c
			wantHolders:   []string{"user=a 50 MB/s", "user=<default> 2 × 10 MB/s = 20 MB/s", "user=b,client-id=etl 7 MB/s", "user=<default>,client-id=etl 5 MB/s"},
		},
		{
			name:          "user with default client is unbounded and takes no user default bucket",
			quotas:        []Quota{producer(Entity{User("a"), DefaultClientID()}, 10e6), producer(Entity{DefaultUser()}, 10e6)},
			principals:    []string{"a", "b"},
			wantAllocated: 10e6,
			wantHolders:   []string{"user=<default> 10 MB/s"},
			wantUnbounded: []string{"user=a,client-id=<default>"},
		},
		{
			name:          "default user and default client is unbounded",
			quotas:        []Quota{producer(Entity{DefaultUser(), DefaultClientID()}, 1e6)},
			principals:    []string{"a"},
			wantUnbounded: []string{"user=<default>,client-id=<default>"},
		},
		{
			name:          "default client is unbounded",
			quotas:        []Quota{producer(Entity{User("a")}, 1e6), producer(Entity{DefaultClientID()}, 1e6)},
			principals:    []string{"a"},
			wantAllocated: 1e6,
			wantHolders:   []string{"user=a 1 MB/s"},
			wantUnbounded: []string{"client-id=<default>"},
		},
		{
			name:          "principal without quota is unbounded",
			quotas:        []Quota{producer(Entity{User("a")}, 10e6)},
			principals:    []string{"a", "b"},
			wantAllocated: 10e6,
			wantHolders:   []string{"user=a 10 MB/s"},
			wantUnbounded: []string{"principal b"},
		},
		{
			name:          "a user named only in a carve-out is a principal with unbounded other clients",
			quotas:        []Quota{producer(Entity{User("a"), ClientID("etl")}, 10e6)},
			wantAllocated: 10e6,
			wantHolders:   []string{"user=a,client-id=etl 10 MB/s"},
			wantUnbounded: []string{"principal a"},
		},
		{
			name:          "ip quotas do not count",
			quotas:        []Quota{{Entity: Entity{IP("192.0.2.1")}, Values: map[QuotaKey]float64{ConnectionCreationRate: 10}}},
			wantAllocated: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := Allocate(producerOnly(), tt.quotas, tt.principals).Keys[ProducerByteRate]
			if !approx(k.Allocated, tt.wantAllocated) && !(k.Allocated == 0 && tt.wantAllocated == 0) {
				t.Errorf("Allocated = %v, want %v", k.Allocated, tt.wantAllocated)
			}
			if k.AlreadyAllocated != k.Allocated || k.Change != 0 {
				t.Errorf("without a change AlreadyAllocated = %v and Change = %v, want %v and 0", k.AlreadyAllocated, k.Change, k.Allocated)
			}
			if !approx(k.Free, 160e6-k.Allocated) {
				t.Errorf("Free = %v, want %v", k.Free, 160e6-k.Allocated)
			}
			var holders []string
			for _, h := range k.Holders {
				holders = append(holders, formatHolder(ProducerByteRate, h))
			}
			if strings.Join(holders, "|") != strings.Join(tt.wantHolders, "|") {
				t.Errorf("holders = %q, want %q", holders, tt.wantHolders)
			}
			var unbounded []string
			for _, u := range k.Unbounded {
				unbounded = append(unbounded, u.id())
			}
			if strings.Join(unbounded, "|") != strings.Join(tt.wantUnbounded, "|") {
				t.Errorf("unbounded = %q, want %q", unbounded, tt.wantUnbounded)
			}
		})
	}
}

func TestAllocate_unboundedReasons(t *testing.T) {
	tests := []struct {
		quota Quota
		want  string
	}{
		{producer(Entity{User("a"), DefaultClientID()}, 10e6), "user=a,client-id=<default> gives every client id of a its own 10 MB/s bucket, and client ids cannot be counted; set producer_byte_rate on user=a instead, one bucket shared by all its client ids"},
		{producer(Entity{DefaultUser(), DefaultClientID()}, 10e6), "user=<default>,client-id=<default> gives every client id of every user its own 10 MB/s bucket, and client ids cannot be counted; set producer_byte_rate on user=<default> instead, one bucket per user"},
		{producer(Entity{DefaultClientID()}, 10e6), "client-id=<default> gives every client id its own 10 MB/s bucket, and client ids cannot be counted; bound users instead, with user=<default> or a quota per user"},
	}
	for _, tt := range tests {
		k := Allocate(producerOnly(), []Quota{tt.quota}, nil).Keys[ProducerByteRate]
		if len(k.Unbounded) == 0 || k.Unbounded[0].Reason != tt.want {
			t.Errorf("%s: unbounded = %+v, want reason %q", tt.quota.Entity, k.Unbounded, tt.want)
		}
	}
	k := Allocate(producerOnly(), nil, []string{"b"}).Keys[ProducerByteRate]
	want := "principal b has no producer_byte_rate quota that covers all its client ids, so it may use the whole broker; set producer_byte_rate on user=b, or on user=<default> to bound every principal without its own quota"
	if len(k.Unbounded) != 1 || k.Unbounded[0].Reason != want || k.Unbounded[0].Principal != "b" {
		t.Errorf("unbounded = %+v, want principal b with reason %q", k.Unbounded, want)
	}
}

func TestAllocate_violations(t *testing.T) {
	quotas := []Quota{producer(Entity{User("team-a")}, 100e6), producer(Entity{User("team-b")}, 70e6), producer(Entity{User("team-c"), DefaultClientID()}, 1e6)}
	r := Allocate(producerOnly(), quotas, nil)
	vs := r.Violations()
	if len(vs) != 1 {
		t.Fatalf("Violations() = %v, want one", vs)
	}
	want := "producer_byte_rate: 170 MB/s (170000000 B/s) allocated per broker exceeds 160 MB/s (160000000 B/s) allowed by 10 MB/s " +
		"(usable 160 MB/s × oversubscription 1.0; usable = (1 − headroom 0.20) × disk write 600 MB/s ÷ replication factor 3); " +
		"largest holders: user=team-a 100 MB/s, user=team-b 70 MB/s; lower a quota, declare more capacity, or raise oversubscription. " +
		"producer_byte_rate cannot be bounded: user=team-c,client-id=<default> gives every client id of team-c its own 1 MB/s bucket, and client ids cannot be counted; " +
		"set producer_byte_rate on user=team-c instead, one bucket shared by all its client ids"
	if vs[0].Error() != want {
		t.Errorf("violation =\n %s\nwant\n %s", vs[0], want)
	}
	if vs[0].Dimension != string(ProducerByteRate) || vs[0].VirtualCluster != "" {
		t.Errorf("violation = %+v", vs[0])
	}
	if w := r.Warnings(); len(w) != 0 {
		t.Errorf("Warnings() = %v, want none without a change", w)
	}
}

func TestAllocate_uncheckedKeysReportWhyAndNeverViolate(t *testing.T) {
	r := Allocate(Capacity{}, []Quota{producer(Entity{User("a")}, 1e12)}, []string{"b"})
	if vs := r.Violations(); len(vs) != 0 {
		t.Errorf("Violations() = %v, want none when nothing is declared", vs)
	}
	for _, key := range CapacityKeys {
		k := r.Keys[key]
		if k.Checked || !strings.Contains(k.NotChecked, "not declared") {
			t.Errorf("%s: Checked = %v, NotChecked = %q; want unchecked with a reason", key, k.Checked, k.NotChecked)
		}
	}
	if got := r.Keys[ProducerByteRate].Allocated; got != 1e12 {
		t.Errorf("an unchecked key still reports its allocation: got %v", got)
	}
}

func TestAllocateChange(t *testing.T) {
	existing := []Quota{producer(Entity{User("team-a")}, 80e6), producer(Entity{User("team-b")}, 70e6)}
	principals := []string{"team-a", "team-b", "team-c"}
	tests := []struct {
		name          string
		existing      []Quota
		change        Quota
		wantAlready   float64
		wantAllocated float64
		wantViolation string // "" for none
		wantWarning   string // "" for none
	}{
		{
			name:          "new quota that overflows",
			existing:      append(existing, producer(Entity{DefaultUser()}, 0.5e6)),
			change:        producer(Entity{User("team-c")}, 20e6),
			wantAlready:   150.5e6,
			wantAllocated: 170e6,
			wantViolation: "producer_byte_rate: 170 MB/s (170000000 B/s) requested per broker (already allocated 150.5 MB/s + this change 19.5 MB/s, user=team-c set to 20 MB/s) " +
				"exceeds 160 MB/s (160000000 B/s) allowed by 10 MB/s (usable 160 MB/s × oversubscription 1.0; usable = (1 − headroom 0.20) × disk write 600 MB/s ÷ replication factor 3); " +
				"largest holders: user=team-a 80 MB/s, user=team-b 70 MB/s, user=team-c 20 MB/s; lower a quota, declare more capacity, or raise oversubscription",
		},
		{
			name:          "raising a quota replaces it",
			existing:      append(existing, producer(Entity{User("team-c")}, 5e6)),
			change:        producer(Entity{User("team-a")}, 100e6),
			wantAlready:   155e6,
			wantAllocated: 175e6,
			wantViolation: "(already allocated 155 MB/s + this change 20 MB/s, user=team-a from 80 MB/s to 100 MB/s) exceeds",
		},
		{
			name:          "fits exactly",
			existing:      append(existing, producer(Entity{User("team-c")}, 5e6)),
			change:        producer(Entity{User("team-c")}, 10e6),
			wantAlready:   155e6,
			wantAllocated: 160e6,
		},
		{
			name:          "lowering an overcommitted key is not refused",
			existing:      []Quota{producer(Entity{User("team-a")}, 100e6), producer(Entity{User("team-b")}, 100e6), producer(Entity{User("team-c")}, 1e6)},
			change:        producer(Entity{User("team-a")}, 90e6),
			wantAlready:   201e6,
			wantAllocated: 191e6,
			wantWarning:   "191 MB/s (191000000 B/s) requested per broker (already allocated 201 MB/s − this change 10 MB/s, user=team-a from 100 MB/s to 90 MB/s) exceeds",
		},
		{
			name:          "removing the default unbounds the principals that relied on it",
			existing:      []Quota{producer(Entity{User("team-a")}, 10e6), producer(Entity{DefaultUser()}, 10e6)},
			change:        Quota{Entity: Entity{DefaultUser()}},
			wantAlready:   30e6,
			wantAllocated: 10e6,
			wantViolation: "producer_byte_rate cannot be bounded: principal team-b has no producer_byte_rate quota that covers all its client ids",
		},
		{
			name:          "a principal unbounded before the change is a warning",
			existing:      []Quota{producer(Entity{User("team-a")}, 10e6)},
			change:        producer(Entity{User("team-b")}, 10e6),
			wantAlready:   10e6,
			wantAllocated: 20e6,
			wantWarning:   "producer_byte_rate cannot be bounded: principal team-c has no producer_byte_rate quota",
		},
		{
			name:          "a default-client carve-out is refused",
			existing:      []Quota{producer(Entity{User("team-a")}, 10e6), producer(Entity{User("team-b")}, 10e6), producer(Entity{User("team-c")}, 10e6)},
			change:        producer(Entity{User("team-a"), DefaultClientID()}, 1e6),
			wantAlready:   30e6,
			wantAllocated: 30e6,
			wantViolation: "producer_byte_rate cannot be bounded: user=team-a,client-id=<default> gives every client id of team-a its own 1 MB/s bucket",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := AllocateChange(producerOnly(), tt.existing, tt.change, principals)
			k := r.Keys[ProducerByteRate]
			if !approx(k.AlreadyAllocated, tt.wantAlready) || !approx(k.Allocated, tt.wantAllocated) || !approx(k.Change, tt.wantAllocated-tt.wantAlready) {
				t.Errorf("already %v, allocated %v, change %v; want %v, %v", k.AlreadyAllocated, k.Allocated, k.Change, tt.wantAlready, tt.wantAllocated)
			}
			checkProblems(t, "Violations", r.Violations(), tt.wantViolation)
			checkProblems(t, "Warnings", r.Warnings(), tt.wantWarning)
		})
	}
}

func TestAllocateChange_doesNotModifyExisting(t *testing.T) {
	existing := []Quota{producer(Entity{User("a")}, 10e6)}
	r := AllocateChange(producerOnly(), existing, producer(Entity{User("a")}, 20e6), nil)
	if existing[0].Values[ProducerByteRate] != 10e6 {
		t.Errorf("existing quota changed to %v", existing[0].Values[ProducerByteRate])
	}
	if r.Previous == nil || r.Previous.Values[ProducerByteRate] != 10e6 || r.Change.Values[ProducerByteRate] != 20e6 {
		t.Errorf("Previous = %+v, Change = %+v", r.Previous, r.Change)
	}
}

// checkProblems expects no problem when want is empty, else exactly one
// whose message contains want.
func checkProblems(t *testing.T, what string, got []CapacityViolation, want string) {
	t.Helper()
	switch {
	case want == "" && len(got) != 0:
		t.Errorf("%s() = %v, want none", what, got)
	case want != "" && (len(got) != 1 || !strings.Contains(got[0].Error(), want)):
		t.Errorf("%s() = %v, want one containing %q", what, got, want)
	}
}

// BenchmarkAllocateChange measures one plan-time capacity check of a
// quota on a cluster of n tenants with a quota each.
func BenchmarkAllocateChange(b *testing.B) {
	for _, n := range []int{100, 500} {
		b.Run(fmt.Sprintf("tenants=%d", n), func(b *testing.B) {
			var quotas []Quota
			var principals []string
			for i := range n {
				user := fmt.Sprintf("tenant-%04d", i)
				principals = append(principals, user)
				quotas = append(quotas, Quota{Entity: Entity{User(user)}, Values: map[QuotaKey]float64{ProducerByteRate: 1e6, ConsumerByteRate: 2e6}})
			}
			quotas = append(quotas, Quota{Entity: Entity{DefaultUser()}, Values: map[QuotaKey]float64{RequestPercentage: 10}})
			c := Capacity{DiskWriteBytesPerSecond: 6e11, NetworkInBytesPerSecond: 1e12, NetworkOutBytesPerSecond: 1e12, ReplicationFactor: 3, IOThreads: 8, NetworkThreads: 3, BrokerCount: 3}
			change := Quota{Entity: Entity{User("tenant-0007")}, Values: map[QuotaKey]float64{ProducerByteRate: 2e6}}
			b.ResetTimer()
			for b.Loop() {
				AllocateChange(c, quotas, change, principals)
			}
		})
	}
}

// A report of the quotas as they are lists who is unbounded for every key,
// declared or not: an uncovered principal may use a whole broker either
// way. A change is judged on checked keys only.
func TestAllocate_unboundedForEveryKey(t *testing.T) {
	r := Allocate(producerOnly(), nil, []string{"a"})
	for _, key := range CapacityKeys {
		u := r.Keys[key].Unbounded
		if len(u) != 1 || u[0].Principal != "a" || !strings.Contains(u[0].Reason, "principal a has no "+string(key)+" quota") {
			t.Errorf("%s: unbounded %+v, want principal a", key, u)
		}
	}
	change := AllocateChange(producerOnly(), nil, Quota{Entity: Entity{User("b")}, Values: map[QuotaKey]float64{ProducerByteRate: 1}}, []string{"a"})
	if u := change.Keys[ConsumerByteRate].Unbounded; len(u) != 0 {
		t.Errorf("a change lists unchecked consumer_byte_rate as unbounded: %+v", u)
	}
}

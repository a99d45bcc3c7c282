package tenancy

import (
	"slices"
	"testing"
)

// allLevels holds one quota per precedence level for user alice and client
// id reports, with producer_byte_rate set to the level number, so that a
// resolved value names the level it came from.
func allLevels() []Quota {
	entities := []Entity{
		{User("alice"), ClientID("reports")},
		{User("alice"), DefaultClientID()},
		{User("alice")},
		{DefaultUser(), ClientID("reports")},
		{DefaultUser(), DefaultClientID()},
		{DefaultUser()},
		{ClientID("reports")},
		{DefaultClientID()},
	}
	quotas := make([]Quota, len(entities))
	for i, e := range entities {
		quotas[i] = Quota{Entity: e, Values: map[QuotaKey]float64{ProducerByteRate: float64(i + 1)}}
	}
	return quotas
}

func TestResolve_eachLevelWinsOverLessSpecific(t *testing.T) {
	for level := 1; level <= 8; level++ {
		// Keep only the levels from this one down, so this one is the
		// most specific present.
		quotas := allLevels()[level-1:]
		got, ok := Resolve(quotas, "alice", "reports")[ProducerByteRate]
		if !ok {
			t.Fatalf("level %d: producer_byte_rate not resolved", level)
		}
		if got.Level != level || got.Value != float64(level) || got.Entity.String() != quotas[0].Entity.String() {
			t.Errorf("level %d: resolved %+v from %s, want level %d from %s", level, got, got.Entity, level, quotas[0].Entity)
		}
	}
}

func TestResolve_perKeyIndependence(t *testing.T) {
	quotas := []Quota{
		{Entity: Entity{User("alice")}, Values: map[QuotaKey]float64{ProducerByteRate: 30}},
		{Entity: Entity{DefaultUser()}, Values: map[QuotaKey]float64{ProducerByteRate: 60, ConsumerByteRate: 61}},
		{Entity: Entity{DefaultClientID()}, Values: map[QuotaKey]float64{ProducerByteRate: 80, ConsumerByteRate: 81, RequestPercentage: 82}},
	}
	got := Resolve(quotas, "alice", "reports")
	want := map[QuotaKey]struct {
		value float64
		level int
	}{
		ProducerByteRate:  {30, 3},
		ConsumerByteRate:  {61, 6},
		RequestPercentage: {82, 8},
	}
	for key, w := range want {
		if got[key].Value != w.value || got[key].Level != w.level {
			t.Errorf("%s = %+v, want value %v at level %d", key, got[key], w.value, w.level)
		}
	}
	if _, ok := got[ControllerMutationRate]; ok {
		t.Errorf("controller_mutation_rate resolved to %+v, want it absent (unlimited)", got[ControllerMutationRate])
	}
}

func TestResolve_emptyClientIDMatchesOnlyDefaultClientForms(t *testing.T) {
	tests := []struct {
		name      string
		drop      []int // levels removed from allLevels
		wantLevel int
	}{
		{"named client levels skipped", nil, 2},
		{"falls to user", []int{2}, 3},
		{"skips default user with named client", []int{2, 3}, 5},
		{"default user", []int{2, 3, 5}, 6},
		{"skips client-id=C", []int{2, 3, 5, 6}, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var quotas []Quota
			for i, q := range allLevels() {
				if !slices.Contains(tt.drop, i+1) {
					quotas = append(quotas, q)
				}
			}
			got := Resolve(quotas, "alice", "")[ProducerByteRate]
			if got.Level != tt.wantLevel {
				t.Errorf("resolved level %d from %s, want level %d", got.Level, got.Entity, tt.wantLevel)
			}
		})
	}
}

func TestResolve_emptyUserSkipsUserLevels(t *testing.T) {
	got := Resolve(allLevels(), "", "reports")[ProducerByteRate]
	if got.Level != 4 {
		t.Errorf("resolved level %d from %s, want 4", got.Level, got.Entity)
	}
}

func TestResolve_otherNamesDoNotMatch(t *testing.T) {
	quotas := []Quota{
		{Entity: Entity{User("bob")}, Values: map[QuotaKey]float64{ProducerByteRate: 1}},
		{Entity: Entity{User("alice"), ClientID("other")}, Values: map[QuotaKey]float64{ProducerByteRate: 2}},
		{Entity: Entity{ClientID("other")}, Values: map[QuotaKey]float64{ProducerByteRate: 3}},
		{Entity: Entity{IP("192.0.2.1")}, Values: map[QuotaKey]float64{ConnectionCreationRate: 4}},
	}
	if got := Resolve(quotas, "alice", "reports"); len(got) != 0 {
		t.Errorf("Resolve() = %v, want nothing (unlimited)", got)
	}
}

func TestResolve_laterDuplicateWins(t *testing.T) {
	quotas := []Quota{
		{Entity: Entity{User("alice")}, Values: map[QuotaKey]float64{ProducerByteRate: 1}},
		{Entity: Entity{User("alice")}, Values: map[QuotaKey]float64{ProducerByteRate: 2}},
	}
	if got := Resolve(quotas, "alice", "x")[ProducerByteRate].Value; got != 2 {
		t.Errorf("value = %v, want 2", got)
	}
}

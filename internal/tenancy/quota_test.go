package tenancy

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestKeysFor(t *testing.T) {
	userKeys := []QuotaKey{ConsumerByteRate, ControllerMutationRate, ProducerByteRate, RequestPercentage}
	tests := []struct {
		entity Entity
		want   []QuotaKey
	}{
		{Entity{User("alice")}, userKeys},
		{Entity{User("alice"), ClientID("c")}, userKeys},
		{Entity{DefaultClientID()}, userKeys},
		{Entity{IP("192.0.2.1")}, []QuotaKey{ConnectionCreationRate}},
		{Entity{DefaultIP()}, []QuotaKey{ConnectionCreationRate}},
	}
	for _, tt := range tests {
		t.Run(tt.entity.String(), func(t *testing.T) {
			if got := KeysFor(tt.entity); !slices.Equal(got, tt.want) {
				t.Errorf("KeysFor() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsIntegral(t *testing.T) {
	want := map[QuotaKey]bool{
		ConnectionCreationRate: true,
		ConsumerByteRate:       true,
		ControllerMutationRate: false,
		ProducerByteRate:       true,
		RequestPercentage:      false,
	}
	for _, k := range Keys() {
		if got := IsIntegral(k); got != want[k] {
			t.Errorf("IsIntegral(%s) = %v, want %v", k, got, want[k])
		}
	}
	if len(Keys()) != len(want) {
		t.Errorf("Keys() = %v, want the %d keys above", Keys(), len(want))
	}
}

func TestValidateQuota(t *testing.T) {
	alice := Entity{User("alice")}
	ip := Entity{IP("192.0.2.10")}
	tests := []struct {
		name   string
		entity Entity
		values map[QuotaKey]float64
		want   []string // substrings of the error; nil when valid
	}{
		{"user byte rates", alice, map[QuotaKey]float64{ProducerByteRate: 1048576, ConsumerByteRate: 2097152}, nil},
		{"fractional double keys", alice, map[QuotaKey]float64{RequestPercentage: 12.5, ControllerMutationRate: 0.5}, nil},
		{"within kafka's tolerance", alice, map[QuotaKey]float64{ProducerByteRate: 1048576.0000005}, nil},
		{"ip connection rate", ip, map[QuotaKey]float64{ConnectionCreationRate: 100}, nil},
		{"largest int", ip, map[QuotaKey]float64{ConnectionCreationRate: math.MaxInt32}, nil},
		{"no keys", alice, map[QuotaKey]float64{}, []string{"sets no keys", "consumer_byte_rate, controller_mutation_rate, producer_byte_rate, request_percentage"}},
		{"unknown key", alice, map[QuotaKey]float64{"producer_rate": 1}, []string{`"producer_rate" is not a Kafka quota key`, "user=alice accepts consumer_byte_rate"}},
		{"ip key on user", alice, map[QuotaKey]float64{ConnectionCreationRate: 10}, []string{"connection_creation_rate is not valid for user=alice", "only on ip entities"}},
		{"user key on ip", ip, map[QuotaKey]float64{ProducerByteRate: 10}, []string{"producer_byte_rate is not valid for ip=192.0.2.10", "accept only connection_creation_rate"}},
		{"zero", alice, map[QuotaKey]float64{ProducerByteRate: 0}, []string{"producer_byte_rate = 0 for user=alice", "greater than 0", "remove the key"}},
		{"negative", alice, map[QuotaKey]float64{RequestPercentage: -5}, []string{"request_percentage = -5", "greater than 0"}},
		{"not a number", alice, map[QuotaKey]float64{RequestPercentage: math.NaN()}, []string{"is not a number"}},
		{"fractional byte rate", alice, map[QuotaKey]float64{ProducerByteRate: 1048576.5}, []string{"producer_byte_rate = 1048576.5", "whole number of bytes per second", "use 1048576 or 1048577"}},
		{"fractional connection rate", ip, map[QuotaKey]float64{ConnectionCreationRate: 2.5}, []string{"connection_creation_rate = 2.5", "use 2 or 3"}},
		{"int overflow", ip, map[QuotaKey]float64{ConnectionCreationRate: 3e9}, []string{"32-bit integer", "2147483647"}},
		{"long overflow", alice, map[QuotaKey]float64{ConsumerByteRate: 1e19}, []string{"64-bit integer", "9223372036854775807"}},
		{"every error reported", alice, map[QuotaKey]float64{ProducerByteRate: 0.5, ConsumerByteRate: -1}, []string{"consumer_byte_rate = -1", "producer_byte_rate = 0.5"}},
		{"invalid entity", Entity{User("a"), IP("192.0.2.1")}, map[QuotaKey]float64{ProducerByteRate: 1}, []string{"combines ip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, "ValidateQuota()", ValidateQuota(tt.entity, tt.values), tt.want)
		})
	}
}

// checkError expects err to be nil when want is nil, and otherwise to
// contain every entry of want.
func checkError(t *testing.T, call string, err error, want []string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Errorf("%s = %v, want nil", call, err)
		}
		return
	}
	if err == nil {
		t.Fatalf("%s = nil, want an error containing %q", call, want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s = %q, want it to contain %q", call, err, w)
		}
	}
}

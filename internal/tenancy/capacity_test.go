package tenancy

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// workedExample is DESIGN §3's example in decimal units (1 MB = 10^6
// bytes): 6 brokers, RF 3, 600 MB/s disk, 1.25 GB/s network in and out,
// headroom 0.2.
func workedExample() Capacity {
	return Capacity{
		BrokerCount:              6,
		ControllerMutationRate:   100,
		DiskWriteBytesPerSecond:  600e6,
		Headroom:                 0.2,
		IOThreads:                8,
		NetworkInBytesPerSecond:  1.25e9,
		NetworkOutBytesPerSecond: 1.25e9,
		NetworkThreads:           3,
		Oversubscription:         1,
		PartitionsPerBroker:      4000,
		ReplicationFactor:        3,
	}
}

func TestCapacity_Usable_workedExample(t *testing.T) {
	c := workedExample()
	want := map[QuotaKey]float64{
		// 0.8 × min(600, 1250) MB/s ÷ 3
		ProducerByteRate: 160e6,
		// 0.8 × (1250 − 2 × 600 ÷ 3) MB/s
		ConsumerByteRate: 680e6,
		// 0.8 × (8 + 3) × 100
		RequestPercentage: 880,
		// 0.8 × 100, one pool for the cluster
		ControllerMutationRate: 80,
	}
	for key, w := range want {
		got, ok := c.Usable(key)
		if !ok || !approx(got, w) {
			t.Errorf("Usable(%s) = %v, %v; want %v, true", key, got, ok, w)
		}
	}
	if got := FormatByteRate(mustUsable(t, c, ProducerByteRate)); got != "160 MB/s (160000000 B/s)" {
		t.Errorf("usable producer bytes = %q", got)
	}
}

func TestCapacity_Usable(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Capacity)
		key    QuotaKey
		want   float64
	}{
		{"network in is the bottleneck", func(c *Capacity) { c.NetworkInBytesPerSecond = 300e6 }, ProducerByteRate, 0.8 * 300e6 / 3},
		{"only disk declared", func(c *Capacity) { c.NetworkInBytesPerSecond = 0 }, ProducerByteRate, 160e6},
		{"only network in declared", func(c *Capacity) { c.DiskWriteBytesPerSecond = 0 }, ProducerByteRate, 0.8 * 1.25e9 / 3},
		{"no headroom", func(c *Capacity) { c.Headroom = 0 }, ProducerByteRate, 200e6},
		{"rf 1 leaves all of network out to consumers", func(c *Capacity) {
			c.ReplicationFactor = 1
			c.DiskWriteBytesPerSecond, c.NetworkInBytesPerSecond = 0, 0
		}, ConsumerByteRate, 0.8 * 1.25e9},
		{"rf 2", func(c *Capacity) { c.ReplicationFactor = 2 }, ConsumerByteRate, 0.8 * (1.25e9 - 300e6)},
		{"request percentage", func(c *Capacity) { c.IOThreads, c.NetworkThreads = 16, 8 }, RequestPercentage, 0.8 * 2400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := workedExample()
			tt.modify(&c)
			if got := mustUsable(t, c, tt.key); !approx(got, tt.want) {
				t.Errorf("Usable(%s) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

func TestCapacity_Allowed_oversubscription(t *testing.T) {
	tests := []struct {
		oversubscription float64
		want             float64
	}{
		{0, 160e6}, // unset reads as 1
		{1, 160e6},
		{1.5, 240e6},
	}
	for _, tt := range tests {
		c := workedExample()
		c.Oversubscription = tt.oversubscription
		if got, ok := c.Allowed(ProducerByteRate); !ok || !approx(got, tt.want) {
			t.Errorf("oversubscription %v: Allowed = %v, %v; want %v", tt.oversubscription, got, ok, tt.want)
		}
	}
}

func TestCapacity_NotChecked(t *testing.T) {
	tests := []struct {
		name   string
		c      Capacity
		key    QuotaKey
		want   string // "" when checked
		wantOK bool
	}{
		{"nothing declared, producer", Capacity{}, ProducerByteRate, "producer_byte_rate is not checked: disk_write_bytes_per_second or network_in_bytes_per_second and replication_factor not declared", false},
		{"nothing declared, consumer", Capacity{}, ConsumerByteRate, "network_out_bytes_per_second and disk_write_bytes_per_second or network_in_bytes_per_second and replication_factor not declared", false},
		{"rf 1 consumer needs only network out", Capacity{ReplicationFactor: 1, NetworkOutBytesPerSecond: 1e9}, ConsumerByteRate, "", true},
		{"threads", Capacity{IOThreads: 8}, RequestPercentage, "request_percentage is not checked: network_threads not declared", false},
		{"controller", Capacity{}, ControllerMutationRate, "controller_mutation_rate is not checked: controller_mutation_rate not declared", false},
		{"connection rate has no capacity", workedExample(), ConnectionCreationRate, "connection_creation_rate is not checked: no declared capacity bounds it", false},
		{"worked example", workedExample(), ProducerByteRate, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.c.NotChecked(tt.key)
			if (tt.want == "" && got != "") || !strings.Contains(got, tt.want) {
				t.Errorf("NotChecked(%s) = %q, want %q", tt.key, got, tt.want)
			}
			if _, ok := tt.c.Usable(tt.key); ok != tt.wantOK {
				t.Errorf("Usable(%s) ok = %v, want %v", tt.key, ok, tt.wantOK)
			}
		})
	}
}

func TestCapacity_Declared(t *testing.T) {
	tests := []struct {
		name string
		c    Capacity
		want bool
	}{
		{"zero", Capacity{}, false},
		{"ratios alone", Capacity{Headroom: 0.2, Oversubscription: 2}, false},
		{"partitions alone", Capacity{PartitionsPerBroker: 4000, BrokerCount: 3}, true},
		{"threads alone", Capacity{IOThreads: 8, NetworkThreads: 3}, true},
		{"worked example", workedExample(), true},
	}
	for _, tt := range tests {
		if got := tt.c.Declared(); got != tt.want {
			t.Errorf("%s: Declared() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCapacity_Validate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Capacity)
		want   []string // nil when valid
	}{
		{"worked example", func(*Capacity) {}, nil},
		{"zero value", func(c *Capacity) { *c = Capacity{} }, nil},
		{"negative bandwidth", func(c *Capacity) { c.DiskWriteBytesPerSecond = -1 }, []string{"disk_write_bytes_per_second = -1"}},
		{"infinite rate", func(c *Capacity) { c.ControllerMutationRate = math.Inf(1) }, []string{"controller_mutation_rate = +Inf"}},
		{"headroom 1", func(c *Capacity) { c.Headroom = 1 }, []string{"headroom = 1", "up to but excluding 1"}},
		{"negative headroom", func(c *Capacity) { c.Headroom = -0.1 }, []string{"headroom = -0.1"}},
		{"oversubscription below 1", func(c *Capacity) { c.Oversubscription = 0.5 }, []string{"oversubscription = 0.5", "use headroom"}},
		{"rf above brokers", func(c *Capacity) { c.BrokerCount = 2 }, []string{"replication_factor = 3 exceeds broker_count = 2"}},
		{"network out below replication", func(c *Capacity) { c.NetworkOutBytesPerSecond = 300e6 }, []string{"network_out_bytes_per_second = 300 MB/s cannot carry the replication traffic", "(3 − 1) × 600 MB/s ÷ 3 = 400 MB/s"}},
		{"all errors at once", func(c *Capacity) { c.IOThreads, c.Headroom = -1, 2 }, []string{"io_threads = -1", "headroom = 2"}},
		// The limits keep every derived figure finite and exact.
		{"threads that would overflow", func(c *Capacity) { c.IOThreads, c.NetworkThreads = 9000000000000000000, 9000000000000000000 },
			[]string{"io_threads = 9000000000000000000: a declared capacity must be a number from 0 to 10000", "network_threads = 9000000000000000000"}},
		{"oversubscription 1e30", func(c *Capacity) { c.Oversubscription = 1e30 }, []string{"oversubscription = 1e+30: it must be from 1", "to 100"}},
		{"infinite oversubscription", func(c *Capacity) { c.Oversubscription = math.Inf(1) }, []string{"oversubscription = +Inf"}},
		{"NaN headroom", func(c *Capacity) { c.Headroom = math.NaN() }, []string{"headroom = NaN"}},
		{"bandwidth above a petabyte per second", func(c *Capacity) { c.NetworkInBytesPerSecond = 1e15 + 1 }, []string{"network_in_bytes_per_second = 1000000000000001", "from 0 to 1000000000000000"}},
		{"partitions per broker above the limit", func(c *Capacity) { c.PartitionsPerBroker = MaxPartitionsPerBroker + 1 }, []string{"partitions_per_broker = 10000001"}},
		{"broker count above the limit", func(c *Capacity) { c.BrokerCount = MaxBrokerCount + 1 }, []string{"broker_count = 10001"}},
		{"replication factor above Kafka's", func(c *Capacity) { c.BrokerCount, c.ReplicationFactor = 0, math.MaxInt16+1 }, []string{"replication_factor = 32768"}},
		{"every limit at once", func(c *Capacity) { *c = atLimits() }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := workedExample()
			tt.modify(&c)
			checkError(t, "Validate()", c.Validate(), tt.want)
		})
	}
}

func TestCapacity_Explain(t *testing.T) {
	c := workedExample()
	tests := []struct {
		key  QuotaKey
		want string
	}{
		{ProducerByteRate, "usable 160 MB/s × oversubscription 1.0; usable = (1 − headroom 0.20) × min(disk write 600 MB/s, network in 1250 MB/s) ÷ replication factor 3"},
		{ConsumerByteRate, "usable 680 MB/s × oversubscription 1.0; usable = (1 − headroom 0.20) × (network out 1250 MB/s − (3 − 1) × min(disk write 600 MB/s, network in 1250 MB/s) ÷ 3)"},
		{RequestPercentage, "usable 880% × oversubscription 1.0; usable = (1 − headroom 0.20) × (io threads 8 + network threads 3) × 100%"},
		{ControllerMutationRate, "usable 80 partition mutations/s × oversubscription 1.0; usable = (1 − headroom 0.20) × controller mutation rate 100 partition mutations/s, one pool on the active controller"},
	}
	for _, tt := range tests {
		if got := c.Explain(tt.key); got != tt.want {
			t.Errorf("Explain(%s) =\n %q\nwant\n %q", tt.key, got, tt.want)
		}
	}
	if got := (Capacity{}).Explain(ProducerByteRate); !strings.Contains(got, "not checked") {
		t.Errorf("Explain on an undeclared capacity = %q, want the not-checked reason", got)
	}
}

func TestPerBrokerFromClusterRate(t *testing.T) {
	tests := []struct {
		rate    float64
		leaders int
		want    float64
		wantErr string
	}{
		{300e6, 6, 50e6, ""},
		{100e6, 3, 100e6 / 3, ""},
		{100e6, 0, 0, "over 0 brokers: the tenant has no partitions with a leader yet"},
		{0, 3, 0, "greater than 0"},
	}
	for _, tt := range tests {
		got, err := PerBrokerFromClusterRate(tt.rate, tt.leaders)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("PerBrokerFromClusterRate(%v, %d) error = %v, want %q", tt.rate, tt.leaders, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !approx(got, tt.want) {
			t.Errorf("PerBrokerFromClusterRate(%v, %d) = %v, %v; want %v", tt.rate, tt.leaders, got, err, tt.want)
		}
	}
}

func TestCheckPartitions(t *testing.T) {
	c := Capacity{PartitionsPerBroker: 300, BrokerCount: 6}
	tests := []struct {
		name            string
		c               Capacity
		existing, added int
		wantErr         string
		wantChecked     bool
	}{
		{"fits", c, 1700, 100, "", true},
		{"exactly full", c, 1790, 10, "", true},
		{"over", c, 1800, 50, "partitions: 1850 partition replicas requested (already 1800 + this change 50) exceed 1800 allowed by 50 (partitions_per_broker 300 × broker_count 6); each partition counts once per replica; delete unused topics, or declare more partitions_per_broker or brokers", true},
		{"removing from an overfull cluster is not refused", c, 2000, -30, "", true},
		{"not declared", Capacity{PartitionsPerBroker: 300}, 1e6, 10, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check, err := CheckPartitions(tt.c, tt.existing, tt.added)
			if check.Checked != tt.wantChecked {
				t.Errorf("Checked = %v (%s), want %v", check.Checked, check.NotChecked, tt.wantChecked)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("error = %v, want nil", err)
				}
				return
			}
			var v CapacityViolation
			if !errors.As(err, &v) || v.Dimension != "partitions" {
				t.Fatalf("error = %#v, want a partitions CapacityViolation", err)
			}
			if err.Error() != tt.wantErr {
				t.Errorf("error =\n %q\nwant\n %q", err, tt.wantErr)
			}
		})
	}
	check, _ := CheckPartitions(Capacity{PartitionsPerBroker: 300}, 0, 1)
	if check.NotChecked != "partitions is not checked: broker_count not declared in the provider's capacity block" {
		t.Errorf("NotChecked = %q", check.NotChecked)
	}
}

func mustUsable(t *testing.T, c Capacity, key QuotaKey) float64 {
	t.Helper()
	v, ok := c.Usable(key)
	if !ok {
		t.Fatalf("Usable(%s) not checked: %s", key, c.NotChecked(key))
	}
	return v
}

func approx(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// atLimits declares every capacity at its largest valid value.
func atLimits() Capacity {
	return Capacity{
		BrokerCount: MaxBrokerCount, ControllerMutationRate: MaxControllerMutationRate, DiskWriteBytesPerSecond: MaxBytesPerSecond,
		IOThreads: MaxThreads, NetworkInBytesPerSecond: MaxBytesPerSecond, NetworkOutBytesPerSecond: MaxBytesPerSecond, NetworkThreads: MaxThreads,
		Oversubscription: MaxOversubscription, PartitionsPerBroker: MaxPartitionsPerBroker, ReplicationFactor: 1,
	}
}

// At the limits, the derived figures are finite, exact and not negative:
// no sum of threads or product of partitions wraps around.
func TestCapacity_limitsKeepFiguresExact(t *testing.T) {
	c := atLimits()
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() at the limits = %v", err)
	}
	want := map[QuotaKey]float64{
		ProducerByteRate:       MaxBytesPerSecond,
		ConsumerByteRate:       MaxBytesPerSecond,
		RequestPercentage:      MaxRequestPercentage,
		ControllerMutationRate: MaxControllerMutationRate,
	}
	for key, usable := range want {
		got, ok := c.Usable(key)
		if !ok || got != usable {
			t.Errorf("Usable(%s) = %v, %v; want %v", key, got, ok, usable)
		}
		allowed, ok := c.Allowed(key)
		if !ok || allowed != usable*MaxOversubscription || math.IsInf(allowed, 0) {
			t.Errorf("Allowed(%s) = %v, %v; want %v", key, allowed, ok, usable*MaxOversubscription)
		}
	}
	replicas, ok := c.PartitionReplicas()
	if !ok || replicas != MaxPartitionsPerBroker*MaxBrokerCount {
		t.Errorf("PartitionReplicas() = %d, %v; want %d", replicas, ok, MaxPartitionsPerBroker*MaxBrokerCount)
	}
	if limit, ok := c.BrokerLimit(RequestPercentage); !ok || limit != MaxRequestPercentage {
		t.Errorf("BrokerLimit(request_percentage) = %v, %v; want %v", limit, ok, MaxRequestPercentage)
	}
}

// A single quota may not use more request threads than one broker runs,
// however much oversubscription lets quotas add up to.
func TestCapacity_CheckBrokerLimits(t *testing.T) {
	c := Capacity{IOThreads: 5, NetworkThreads: 6, Oversubscription: 3}
	user := Entity{User("team-a")}
	if allowed, _ := c.Allowed(RequestPercentage); allowed != 3300 {
		t.Fatalf("Allowed(request_percentage) = %v, want 3300 with oversubscription 3", allowed)
	}
	if got := c.CheckBrokerLimits(user, map[QuotaKey]float64{RequestPercentage: 1100, ProducerByteRate: 1e12}); len(got) != 0 {
		t.Errorf("a quota of exactly one broker's threads is refused: %v", got)
	}
	got := c.CheckBrokerLimits(user, map[QuotaKey]float64{RequestPercentage: 1101})
	if len(got) != 1 || got[0].Dimension != string(RequestPercentage) {
		t.Fatalf("CheckBrokerLimits(1101%%) = %v, want one request_percentage violation", got)
	}
	for _, s := range []string{"request_percentage = 1101% for user=team-a is more than one broker has: (io threads 5 + network threads 6) × 100% = 1100%",
		"whatever the oversubscription", "at most 1100"} {
		if !strings.Contains(got[0].Message, s) {
			t.Errorf("message %q lacks %q", got[0].Message, s)
		}
	}
	undeclared := Capacity{IOThreads: 5}
	if got := undeclared.CheckBrokerLimits(user, map[QuotaKey]float64{RequestPercentage: 1e6}); len(got) != 0 {
		t.Errorf("checked without network_threads declared: %v", got)
	}
}

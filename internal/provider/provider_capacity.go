package provider

import (
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// capacityModel maps the provider's capacity attribute: what the platform
// team declares its brokers can deliver.
type capacityModel struct {
	BrokerCount              wholeNumber   `tfsdk:"broker_count"`
	ControllerMutationRate   types.Float64 `tfsdk:"controller_mutation_rate"`
	DiskWriteBytesPerSecond  wholeNumber   `tfsdk:"disk_write_bytes_per_second"`
	Headroom                 types.Float64 `tfsdk:"headroom"`
	IOThreads                wholeNumber   `tfsdk:"io_threads"`
	NetworkInBytesPerSecond  wholeNumber   `tfsdk:"network_in_bytes_per_second"`
	NetworkOutBytesPerSecond wholeNumber   `tfsdk:"network_out_bytes_per_second"`
	NetworkThreads           wholeNumber   `tfsdk:"network_threads"`
	Oversubscription         types.Float64 `tfsdk:"oversubscription"`
	PartitionsPerBroker      wholeNumber   `tfsdk:"partitions_per_broker"`
	ReplicationFactor        wholeNumber   `tfsdk:"replication_factor"`
}

// Ranges of the whole-number capacity attributes, from the limits that keep
// the capacity arithmetic exact (tenancy.MaxThreads and the others).
var (
	byteRateRange  = wholeRange{1, tenancy.MaxBytesPerSecond}
	capacityRanges = map[string]wholeRange{
		"broker_count":                 {1, tenancy.MaxBrokerCount},
		"disk_write_bytes_per_second":  byteRateRange,
		"io_threads":                   {1, tenancy.MaxThreads},
		"network_in_bytes_per_second":  byteRateRange,
		"network_out_bytes_per_second": byteRateRange,
		"network_threads":              {1, tenancy.MaxThreads},
		"partitions_per_broker":        {1, tenancy.MaxPartitionsPerBroker},
		"replication_factor":           {1, tenancy.MaxReplicationFactor},
	}
	capacityRealRanges = map[string]realRange{
		"controller_mutation_rate": {min: 0, max: tenancy.MaxControllerMutationRate},
		"headroom":                 {min: 0, max: 1, maxOpen: true},
		"oversubscription":         {min: 1, max: tenancy.MaxOversubscription},
	}
	// requestPercentageRange bounds a request percentage quota or envelope
	// by the most one broker can have.
	requestPercentageRange = realRange{min: 0, max: tenancy.MaxRequestPercentage, minOpen: true}
	// mutationRateRange bounds a controller_mutation_rate quota.
	mutationRateRange = realRange{min: 0, max: tenancy.MaxControllerMutationRate, minOpen: true}
)

// envCapacity is the environment variable of a capacity attribute.
func envCapacity(attribute string) string {
	return "KAFKATENANT_CAPACITY_" + strings.ToUpper(attribute)
}

func capacitySchema() schema.SingleNestedAttribute {
	count := func(name, desc string) schema.NumberAttribute { return capacityRanges[name].providerAttribute(desc) }
	return schema.SingleNestedAttribute{
		MarkdownDescription: "The capacity the brokers can deliver, declared by the platform team. Quotas are checked against it at plan time, " +
			"counting every quota on the cluster. Per broker unless noted. usable producer bytes/s = (1 − headroom) · min(disk write, network in) / RF; " +
			"usable consumer bytes/s = (1 − headroom) · (network out − (RF − 1) · min(disk write, network in) / RF); usable request percentage = " +
			"(1 − headroom) · (io threads + network threads) · 100; the controller mutation rate is one cluster-wide pool. A dimension whose inputs " +
			"are not declared is not checked, and the plan says so. Every attribute can also come from `KAFKATENANT_CAPACITY_<ATTRIBUTE>`, " +
			"such as `KAFKATENANT_CAPACITY_DISK_WRITE_BYTES_PER_SECOND`.",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"broker_count": count("broker_count", "The number of brokers. Defaults to the number the cluster reports."),
			"controller_mutation_rate": capacityRealRanges["controller_mutation_rate"].providerAttribute(
				"Partition mutations per second the active controller accepts for all tenants together (cluster-wide)."),
			"disk_write_bytes_per_second":  count("disk_write_bytes_per_second", "Sustained write bandwidth of one broker's log disks, in bytes per second."),
			"headroom":                     capacityRealRanges["headroom"].providerAttribute("The fraction of every usable figure kept free. Defaults to 0."),
			"io_threads":                   count("io_threads", "`num.io.threads` of each broker."),
			"network_in_bytes_per_second":  count("network_in_bytes_per_second", "Inbound network bandwidth of one broker, in bytes per second."),
			"network_out_bytes_per_second": count("network_out_bytes_per_second", "Outbound network bandwidth of one broker, in bytes per second."),
			"network_threads":              count("network_threads", "`num.network.threads` of each broker."),
			"oversubscription": capacityRealRanges["oversubscription"].providerAttribute(
				"How many times the usable capacity may be promised in quotas, betting tenants do not all peak at once. Defaults to 1, none."),
			"partitions_per_broker": count("partitions_per_broker", "The most partition replicas one broker should host."),
			"replication_factor":    count("replication_factor", "The replication factor of tenants' topics, which divides the disk and network bandwidth producers can use."),
		},
	}
}

// resolveCapacity merges the capacity attribute with KAFKATENANT_CAPACITY_*
// variables. declared is false when nothing is declared at all.
func resolveCapacity(m *capacityModel, getenv func(string) string) (tenancy.Capacity, bool, diag.Diagnostics) {
	var (
		diags    diag.Diagnostics
		c        tenancy.Capacity
		declared bool
	)
	if m == nil {
		m = &capacityModel{}
	}
	intField := func(name string, v wholeNumber, dst *int) {
		n := v.ValueInt64()
		if v.IsNull() || v.IsUnknown() {
			env := getenv(envCapacity(name))
			if env == "" {
				return
			}
			parsed, problem := capacityRanges[name].parse(env)
			if problem != "" {
				invalidWholeNumber(&diags, path.Root("capacity").AtName(name), envCapacity(name), strconv.Quote(env), problem)
				return
			}
			n = parsed
		}
		*dst, declared = int(n), true
	}
	floatField := func(name string, v types.Float64, dst *float64) {
		f := v.ValueFloat64()
		if v.IsNull() || v.IsUnknown() {
			env := getenv(envCapacity(name))
			if env == "" {
				return
			}
			parsed, err := strconv.ParseFloat(env, 64)
			problem := capacityRealRanges[name].check(parsed)
			if err != nil {
				problem = "is not a number; use " + capacityRealRanges[name].text()
			}
			if problem != "" {
				numberOutOfRange(&diags, path.Root("capacity").AtName(name), envCapacity(name), strconv.Quote(env), problem)
				return
			}
			f = parsed
		}
		*dst, declared = f, true
	}
	var disk, in, out int
	intField("broker_count", m.BrokerCount, &c.BrokerCount)
	floatField("controller_mutation_rate", m.ControllerMutationRate, &c.ControllerMutationRate)
	intField("disk_write_bytes_per_second", m.DiskWriteBytesPerSecond, &disk)
	floatField("headroom", m.Headroom, &c.Headroom)
	intField("io_threads", m.IOThreads, &c.IOThreads)
	intField("network_in_bytes_per_second", m.NetworkInBytesPerSecond, &in)
	intField("network_out_bytes_per_second", m.NetworkOutBytesPerSecond, &out)
	intField("network_threads", m.NetworkThreads, &c.NetworkThreads)
	floatField("oversubscription", m.Oversubscription, &c.Oversubscription)
	intField("partitions_per_broker", m.PartitionsPerBroker, &c.PartitionsPerBroker)
	intField("replication_factor", m.ReplicationFactor, &c.ReplicationFactor)
	c.DiskWriteBytesPerSecond, c.NetworkInBytesPerSecond, c.NetworkOutBytesPerSecond = float64(disk), float64(in), float64(out)
	if diags.HasError() {
		return c, false, diags
	}
	if err := c.Validate(); err != nil {
		diags.AddAttributeError(path.Root("capacity"), "Invalid Capacity", err.Error())
	}
	return c, declared, diags
}

// hasUnknown reports whether any declared capacity is not yet known.
func (m *capacityModel) hasUnknown() bool {
	if m == nil {
		return false
	}
	for _, v := range []attr.Value{m.BrokerCount, m.ControllerMutationRate, m.DiskWriteBytesPerSecond, m.Headroom, m.IOThreads,
		m.NetworkInBytesPerSecond, m.NetworkOutBytesPerSecond, m.NetworkThreads, m.Oversubscription, m.PartitionsPerBroker, m.ReplicationFactor} {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}

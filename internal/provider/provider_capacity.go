package provider

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// capacityModel maps the provider's capacity attribute: what the platform
// team declares its brokers can deliver.
type capacityModel struct {
	BrokerCount              types.Int64   `tfsdk:"broker_count"`
	ControllerMutationRate   types.Float64 `tfsdk:"controller_mutation_rate"`
	DiskWriteBytesPerSecond  types.Int64   `tfsdk:"disk_write_bytes_per_second"`
	Headroom                 types.Float64 `tfsdk:"headroom"`
	IOThreads                types.Int64   `tfsdk:"io_threads"`
	NetworkInBytesPerSecond  types.Int64   `tfsdk:"network_in_bytes_per_second"`
	NetworkOutBytesPerSecond types.Int64   `tfsdk:"network_out_bytes_per_second"`
	NetworkThreads           types.Int64   `tfsdk:"network_threads"`
	Oversubscription         types.Float64 `tfsdk:"oversubscription"`
	PartitionsPerBroker      types.Int64   `tfsdk:"partitions_per_broker"`
	ReplicationFactor        types.Int64   `tfsdk:"replication_factor"`
}

// envCapacity is the environment variable of a capacity attribute.
func envCapacity(attribute string) string {
	return "KAFKATENANT_CAPACITY_" + strings.ToUpper(attribute)
}

func capacitySchema() schema.SingleNestedAttribute {
	count := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{MarkdownDescription: desc, Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)}}
	}
	return schema.SingleNestedAttribute{
		MarkdownDescription: "The capacity the brokers can deliver, declared by the platform team. Quotas are checked against it at plan time, " +
			"counting every quota on the cluster. Per broker unless noted. usable producer bytes/s = (1 − headroom) · min(disk write, network in) / RF; " +
			"usable consumer bytes/s = (1 − headroom) · (network out − (RF − 1) · min(disk write, network in) / RF); usable request percentage = " +
			"(1 − headroom) · (io threads + network threads) · 100; the controller mutation rate is one cluster-wide pool. A dimension whose inputs " +
			"are not declared is not checked, and the plan says so. Every attribute can also come from `KAFKATENANT_CAPACITY_<ATTRIBUTE>`, " +
			"such as `KAFKATENANT_CAPACITY_DISK_WRITE_BYTES_PER_SECOND`.",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"broker_count":                 count("The number of brokers. Defaults to the number the cluster reports."),
			"controller_mutation_rate":     schema.Float64Attribute{MarkdownDescription: "Partition mutations per second the active controller accepts for all tenants together (cluster-wide).", Optional: true, Validators: []validator.Float64{float64validator.AtLeast(0)}},
			"disk_write_bytes_per_second":  count("Sustained write bandwidth of one broker's log disks, in bytes per second."),
			"headroom":                     schema.Float64Attribute{MarkdownDescription: "The fraction of every usable figure kept free, from 0 to below 1. Defaults to 0.", Optional: true, Validators: []validator.Float64{float64validator.Between(0, 0.999999)}},
			"io_threads":                   count("`num.io.threads` of each broker."),
			"network_in_bytes_per_second":  count("Inbound network bandwidth of one broker, in bytes per second."),
			"network_out_bytes_per_second": count("Outbound network bandwidth of one broker, in bytes per second."),
			"network_threads":              count("`num.network.threads` of each broker."),
			"oversubscription":             schema.Float64Attribute{MarkdownDescription: "How many times the usable capacity may be promised in quotas, betting tenants do not all peak at once. Defaults to 1, none.", Optional: true, Validators: []validator.Float64{float64validator.AtLeast(1)}},
			"partitions_per_broker":        count("The most partition replicas one broker should host."),
			"replication_factor":           count("The replication factor of tenants' topics, which divides the disk and network bandwidth producers can use."),
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
	intField := func(name string, v types.Int64, dst *int) {
		n := v.ValueInt64()
		if v.IsNull() || v.IsUnknown() {
			env := getenv(envCapacity(name))
			if env == "" {
				return
			}
			parsed, err := strconv.ParseInt(env, 10, 64)
			if err != nil || parsed < 1 {
				diags.AddAttributeError(path.Root("capacity").AtName(name), "Invalid Capacity",
					fmt.Sprintf("%s=%q is not a whole number of 1 or more.", envCapacity(name), env))
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
			if err != nil {
				diags.AddAttributeError(path.Root("capacity").AtName(name), "Invalid Capacity",
					fmt.Sprintf("%s=%q is not a number.", envCapacity(name), env))
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

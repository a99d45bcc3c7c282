package provider

import (
	"context"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// What the data sources share. They look objects up by name in the
// registry as this process's snapshot holds it: a workspace that only
// reads, as a product team's does, costs the cluster one snapshot load
// however many data sources it has.

// startRead begins a data source's Read: it bounds the call by the
// provider's timeout (end releases it), reads the configuration into
// model, and reports whether the read can go on. It cannot while the
// connection settings are unknown, which it reports as deferred checks.
func (d *providerData) startRead(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse, model any) (_ context.Context, end func(), ok bool) {
	ctx, end = d.begin(ctx)
	resp.Diagnostics.Append(req.Config.Get(ctx, model)...)
	if resp.Diagnostics.HasError() {
		return ctx, end, false
	}
	if !d.canReachCluster() {
		deferredChecksWarning(&resp.Diagnostics)
		return ctx, end, false
	}
	return ctx, end, true
}

// lookupTenant returns the registered tenant of that name, reporting, on
// the attribute at, one that is not registered or whose record cannot be
// read.
func (d *providerData) lookupTenant(ctx context.Context, name string, at path.Path, diags *diag.Diagnostics) (tenancy.Tenant, registryView, bool) {
	return lookupRegistered(ctx, d, kindTenant, name, at, func(ns tenancy.Namespaces) map[string]tenancy.Tenant { return ns.Tenants }, diags)
}

// lookupVirtualCluster is lookupTenant for a virtual cluster.
func (d *providerData) lookupVirtualCluster(ctx context.Context, name string, at path.Path, diags *diag.Diagnostics) (tenancy.VirtualCluster, registryView, bool) {
	return lookupRegistered(ctx, d, kindVirtualCluster, name, at, func(ns tenancy.Namespaces) map[string]tenancy.VirtualCluster { return ns.VirtualClusters }, diags)
}

// lookupRegistered finds the object of a kind by name among the objects
// of registry's namespaces, reporting one that is not registered, or
// whose record cannot be read, on the attribute at.
func lookupRegistered[T any](ctx context.Context, d *providerData, kind, name string, at path.Path, objects func(tenancy.Namespaces) map[string]T, diags *diag.Diagnostics) (T, registryView, bool) {
	var zero T
	view, err := d.registryView(ctx, false)
	if err != nil {
		d.clusterError(diags, "read the cluster and its registry", err)
		return zero, view, false
	}
	all := objects(view.ns)
	obj, found := all[name]
	if found {
		return obj, view, true
	}
	if s, unreadable := view.skipped[tenancy.ClaimKey(kind, name)]; unreadable {
		registryRecordUnreadable(diags, at, kind, name, d.client.RegistryTopic(), s)
	} else {
		objectNotRegistered(diags, at, kind, name, d.client.RegistryTopic(), slices.Sorted(maps.Keys(all)))
	}
	return zero, view, false
}

// computedWholeNumber is a computed whole-number attribute of a data
// source, of the type the resources use, so that values read the same.
func computedWholeNumber(desc string) schema.NumberAttribute {
	return schema.NumberAttribute{CustomType: wholeNumberType{}, MarkdownDescription: desc, Computed: true}
}

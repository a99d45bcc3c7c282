package provider

import (
	"context"
	"fmt"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// Registry record kinds.
const (
	kindVirtualCluster = "virtual_cluster"
	kindTenant         = "tenant"
)

// namespaces decodes a registry snapshot into the tenancy model. Offsets
// are returned alongside, keyed like the snapshot, for claim ordering.
func namespaces(snap kafka.RegistrySnapshot) (tenancy.Namespaces, error) {
	ns := tenancy.Namespaces{VirtualClusters: map[string]tenancy.VirtualCluster{}, Tenants: map[string]tenancy.Tenant{}}
	for name, r := range snap.Of(kindVirtualCluster) {
		var vc tenancy.VirtualCluster
		if err := kafka.DecodeSpec(r, &vc); err != nil {
			return ns, err
		}
		ns.VirtualClusters[name] = vc
	}
	for name, r := range snap.Of(kindTenant) {
		var t tenancy.Tenant
		if err := kafka.DecodeSpec(r, &t); err != nil {
			return ns, err
		}
		ns.Tenants[name] = t
	}
	return ns, nil
}

// loadNamespaces reads the registry (cached per provider process unless
// fresh is set, as apply-time checks require) and decodes it.
func (d *providerData) loadNamespaces(ctx context.Context, fresh bool) (tenancy.Namespaces, kafka.RegistrySnapshot, error) {
	var (
		snap kafka.RegistrySnapshot
		err  error
	)
	if fresh {
		snap, err = d.client.RefreshRegistry(ctx)
	} else {
		snap, err = d.client.Registry(ctx)
	}
	if err != nil {
		return tenancy.Namespaces{}, snap, err
	}
	ns, err := namespaces(snap)
	return ns, snap, err
}

// without returns ns minus one object, so that an object is not checked
// against its own earlier record.
func without(ns tenancy.Namespaces, kind, name string) tenancy.Namespaces {
	out := tenancy.Namespaces{VirtualClusters: map[string]tenancy.VirtualCluster{}, Tenants: map[string]tenancy.Tenant{}}
	for k, v := range ns.VirtualClusters {
		if kind != kindVirtualCluster || k != name {
			out.VirtualClusters[k] = v
		}
	}
	for k, v := range ns.Tenants {
		if kind != kindTenant || k != name {
			out.Tenants[k] = v
		}
	}
	return out
}

// earlierThan returns the namespaces whose records precede offset in the
// registry: the claims that win over one written at offset.
func earlierThan(ns tenancy.Namespaces, snap kafka.RegistrySnapshot, offset int64) tenancy.Namespaces {
	out := tenancy.Namespaces{VirtualClusters: map[string]tenancy.VirtualCluster{}, Tenants: map[string]tenancy.Tenant{}}
	for name, vc := range ns.VirtualClusters {
		if r, ok := snap.Records[kindVirtualCluster+"/"+name]; ok && r.Offset < offset {
			out.VirtualClusters[name] = vc
		}
	}
	for name, t := range ns.Tenants {
		if r, ok := snap.Records[kindTenant+"/"+name]; ok && r.Offset < offset {
			out.Tenants[name] = t
		}
	}
	return out
}

// claim registers an object and verifies that no conflicting object was
// registered before it, by another workspace applying at the same moment.
// The registry is one partition, so every process sees records in the same
// order and the earliest claim wins; a losing claim is withdrawn (restoring
// previous, if the object had a record before) and reported.
//
// check returns the violations of the object against a set of namespaces.
func (d *providerData) claim(ctx context.Context, kind, name string, spec any, previous any,
	check func(tenancy.Namespaces) []tenancy.Violation,
) ([]tenancy.Violation, error) {
	offset, err := d.client.PutRecord(ctx, kind, name, spec)
	if err != nil {
		return nil, err
	}
	ns, snap, err := d.loadNamespaces(ctx, true)
	if err != nil {
		return nil, err
	}
	violations := check(without(earlierThan(ns, snap, offset), kind, name))
	if len(violations) == 0 {
		return nil, nil
	}
	if previous != nil {
		_, err = d.client.PutRecord(ctx, kind, name, previous)
	} else {
		err = d.client.DeleteRecord(ctx, kind, name)
	}
	if err != nil {
		return violations, fmt.Errorf("withdrawing the conflicting %s %q from the registry failed; remove it by destroying the resource: %w", kind, name, err)
	}
	return violations, nil
}

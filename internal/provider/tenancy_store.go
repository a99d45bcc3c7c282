package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// Registry record kinds.
const (
	kindVirtualCluster = tenancy.KindVirtualCluster
	kindTenant         = tenancy.KindTenant
)

// registryView is the registry decoded into the tenancy model.
type registryView struct {
	// ns holds every readable virtual cluster and tenant, ranked by the
	// registry offset of its claim.
	ns tenancy.Namespaces
	// records holds the record behind each object of ns, by claim key.
	records map[string]kafka.Record
	// skipped holds the records that could not be read, by key.
	skipped map[string]kafka.SkippedRecord
	// exists reports whether the registry topic exists.
	exists bool
}

// registryCache keeps the decoded registry for one registry generation,
// so that the hundreds of resources of a plan share one decoding.
type registryCache struct {
	mu     sync.Mutex
	gen    uint64
	valid  bool
	view   registryView
	warned map[string]bool
}

// decodeRegistry turns a registry snapshot into the tenancy model. A
// record whose envelope is readable but whose spec is not is skipped like
// an unreadable record, never fatal: the registry is an index, and a bad
// entry must not stop every plan.
func decodeRegistry(snap kafka.RegistrySnapshot) registryView {
	v := registryView{ns: tenancy.NewNamespaces(), records: map[string]kafka.Record{}, skipped: map[string]kafka.SkippedRecord{}, exists: snap.Exists}
	for key, s := range snap.Skipped {
		v.skipped[key] = s
	}
	for key, r := range snap.Records {
		var err error
		switch r.Kind {
		case kindVirtualCluster:
			var vc tenancy.VirtualCluster
			if err = kafka.DecodeSpec(r, &vc); err == nil && vc.Name == r.Name {
				v.ns.VirtualClusters[r.Name] = vc
			}
		case kindTenant:
			var t tenancy.Tenant
			if err = kafka.DecodeSpec(r, &t); err == nil && t.Name == r.Name {
				v.ns.Tenants[r.Name] = t
			}
		default:
			// A kind a newer provider writes; nothing here reads it.
			continue
		}
		_, vcOK := v.ns.VirtualClusters[r.Name]
		_, tOK := v.ns.Tenants[r.Name]
		if err != nil || (r.Kind == kindVirtualCluster && !vcOK) || (r.Kind == kindTenant && !tOK) {
			reason := "its spec does not describe a " + r.Kind + " of that name"
			if err != nil {
				reason = err.Error()
			}
			v.skipped[key] = kafka.SkippedRecord{Key: key, Offset: r.Offset, Reason: reason}
			continue
		}
		v.ns.Order[key] = r.ClaimOffset
		v.records[key] = r
	}
	return v
}

// registryView returns the decoded registry: from the process's snapshot
// at plan time, or read afresh (fresh), as checks made while applying
// require.
func (d *providerData) registryView(ctx context.Context, fresh bool) (registryView, error) {
	d.ledger.Touch()
	var (
		gen  uint64
		snap kafka.RegistrySnapshot
	)
	if fresh {
		s, err := d.client.RefreshRegistry(ctx)
		if err != nil {
			return registryView{}, err
		}
		gen, snap = s.Generation, s
	} else {
		s, err := d.client.Snapshot(ctx)
		if err != nil {
			return registryView{}, err
		}
		gen = s.RegistryGeneration()
		d.registry.mu.Lock()
		if d.registry.valid && d.registry.gen == gen {
			v := d.registry.view
			d.registry.mu.Unlock()
			return v, nil
		}
		d.registry.mu.Unlock()
		snap = s.Registry()
		gen = snap.Generation
	}
	d.registry.mu.Lock()
	defer d.registry.mu.Unlock()
	if !d.registry.valid || d.registry.gen != gen {
		d.registry.view, d.registry.gen, d.registry.valid = decodeRegistry(snap), gen, true
	}
	return d.registry.view, nil
}

// namespaces returns the registry's virtual clusters and tenants.
func (d *providerData) namespaces(ctx context.Context, fresh bool) (tenancy.Namespaces, error) {
	v, err := d.registryView(ctx, fresh)
	return v.ns, err
}

// warnSkippedRecords warns, once per record per process, about registry
// records that could not be read.
func (d *providerData) warnSkippedRecords(v registryView, diags *diag.Diagnostics) {
	if len(v.skipped) == 0 {
		return
	}
	d.registry.mu.Lock()
	defer d.registry.mu.Unlock()
	if d.registry.warned == nil {
		d.registry.warned = map[string]bool{}
	}
	for key, s := range v.skipped {
		id := fmt.Sprintf("%s@%d", key, s.Offset)
		if d.registry.warned[id] {
			continue
		}
		d.registry.warned[id] = true
		unreadableRecord(diags, d.client.RegistryTopic(), s)
	}
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
	if _, err := d.client.PutRecord(ctx, kind, name, spec); err != nil {
		return nil, err
	}
	// PutRecord leaves every record up to this one in the cache, so the
	// cached view holds every earlier claim; later ones lose to this.
	v, err := d.registryView(ctx, false)
	if err != nil {
		return nil, err
	}
	violations := check(v.ns.Before(kind, name))
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

// intruders returns the registered claims that conflict with an
// object's own and were made after it: they lose, and the object's plan
// stays green, with a warning.
func intruders(v registryView, kind, name string, check func(tenancy.Namespaces) []tenancy.Violation) []tenancy.Violation {
	if !v.ns.Registered(kind, name) {
		return nil
	}
	return check(v.ns.After(kind, name))
}

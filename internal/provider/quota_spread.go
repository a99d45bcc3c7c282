package provider

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
)

// clusterSpreads holds the cluster-scope quotas this process writes. Such
// a quota divides its rates over the brokers that lead its tenant's
// partitions; when the tenant's topics are created in the same apply,
// after the quota counted them, the topic's create divides the rates
// again, so one apply converges.
type clusterSpreads struct {
	mu       sync.Mutex
	byEntity map[string]*clusterSpread
}

// clusterSpread is one cluster-scope quota of this process. mu is held
// while the brokers are counted and the quota written, so that a count
// and the write that follows it are never interleaved with another.
type clusterSpread struct {
	entity tenancy.Entity
	// prefix and plan are guarded by clusterSpreads.mu: the prefix of the
	// topics whose leaders divide the rates, and the plan that sets them.
	prefix string
	plan   quotaModel

	mu sync.Mutex
	// written is what the cluster holds for the entity; nil until this
	// process has written it.
	written map[string]float64
}

// track returns the entity's spread, recording the plan it writes and the
// prefix of the topics whose leaders divide it.
func (s *clusterSpreads) track(entity tenancy.Entity, prefix string, plan quotaModel) *clusterSpread {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byEntity == nil {
		s.byEntity = map[string]*clusterSpread{}
	}
	sp, ok := s.byEntity[entity.String()]
	if !ok {
		sp = &clusterSpread{entity: entity}
		s.byEntity[entity.String()] = sp
	}
	sp.prefix, sp.plan = prefix, plan
	return sp
}

// covering returns the spreads whose topic prefix the topic is under,
// each with its plan as it is now.
func (s *clusterSpreads) covering(topic string) []spreadPlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []spreadPlan
	for _, sp := range s.byEntity {
		if sp.prefix != "" && strings.HasPrefix(topic, sp.prefix) {
			out = append(out, spreadPlan{sp, sp.prefix, sp.plan})
		}
	}
	return out
}

// spreadPlan is a spread with its prefix and plan read under the lock.
type spreadPlan struct {
	*clusterSpread
	prefix string
	plan   quotaModel
}

// spreadQuotas divides again the cluster-scope quotas this process wrote
// for the tenant of a topic it has just created, if the topic's leaders
// changed how many brokers lead the tenant's partitions. A quota not yet
// written counts the brokers itself, after this topic exists. What cannot
// be rewritten is reported as a warning: the topic exists, the quota still
// allows no more than its rates, and the next plan shows the change.
func (d *providerData) spreadQuotas(ctx context.Context, topic string, diags *diag.Diagnostics) {
	for _, sp := range d.spreads.covering(topic) {
		var out diag.Diagnostics
		d.respread(ctx, sp, &out)
		if !out.HasError() {
			diags.Append(out...)
			continue
		}
		var why []string
		for _, e := range out.Errors() {
			why = append(why, e.Summary()+": "+e.Detail())
		}
		diags.AddWarning("Cluster-Scope Quota Not Divided Again",
			fmt.Sprintf("Topic %q changed which brokers lead the partitions of %s, whose cluster-scope quota was written before it, "+
				"but the quota could not be divided over them again: %s\n\nThe quota still holds its earlier per-broker values, "+
				"which allow less than its rates in total; the next plan shows the change.", topic, sp.entity, strings.Join(why, "; ")))
	}
}

// respread counts the brokers leading the spread's topics and rewrites
// the quota when that changes its per-broker values.
func (d *providerData) respread(ctx context.Context, sp spreadPlan, diags *diag.Diagnostics) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.written == nil {
		return
	}
	leaders, err := d.countLeaders(ctx, sp.prefix, true)
	if err != nil {
		d.clusterError(diags, "find the brokers that lead the partitions of "+sp.entity.String(), err)
		return
	}
	values, err := perBrokerValues(sp.plan, leaders)
	if err != nil {
		diags.AddError("Cannot Divide a Cluster-Wide Rate", err.Error())
		return
	}
	if maps.Equal(values, sp.written) {
		return
	}
	if d.writeQuota(ctx, sp.entity, values, sp.written, diags) {
		sp.written = values
	}
}

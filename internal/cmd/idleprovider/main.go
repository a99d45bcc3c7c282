// Command idleprovider is the kafkatenant provider with its per-resource
// work taken out: the benchmark's second floor. It serves the provider's
// schemas, configuration and functions as the provider does, but answers
// the four calls Terraform makes for every resource of a plan at once:
//
//   - ValidateResourceConfig finds nothing wrong;
//   - UpgradeResourceState hands the stored state back unread;
//   - ReadResource reports the resource as the state holds it;
//   - PlanResourceChange plans a resource that exists as it is.
//
// A plan through it of a configuration that equals its state costs what
// Terraform itself spends on an out-of-process provider with these
// schemas: starting it, and the gRPC calls with their encoding on both
// sides. The benchmark reports it beside terraform_data, which is built
// into Terraform and pays none of that, so that the part of a plan's cost
// that is the provider's own work can be told from the part any plugin
// pays.
//
// It checks nothing and refreshes nothing: it is meaningful only for a
// plan of an unchanged configuration, and it must never hold a real
// workspace. It is never released.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/provider"
)

func main() {
	// ServeServer sets the process up as the provider's own: it must cost
	// what the provider's costs apart from the per-resource work.
	err := provider.ServeServer("registry.terraform.io/kafkatenant/kafkatenant", func() tfprotov6.ProviderServer {
		inner := provider.NewServer("idle")
		full, ok := inner.(provider.ProtocolServer)
		if !ok {
			log.Fatalf("idleprovider: the provider's server (%T) lacks a protocol interface this command passes on", inner)
		}
		return idleServer{full}
	}, false)
	if err != nil {
		log.Fatal(err)
	}
}

// idleServer answers a plan's per-resource calls without work and passes
// every other call to the provider.
type idleServer struct {
	provider.ProtocolServer
}

func (idleServer) ValidateResourceConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

// UpgradeResourceState returns the stored JSON as it is: Terraform decodes
// a JSON value as readily as msgpack. State stored in any other form goes
// to the provider.
func (s idleServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req.RawState == nil || len(req.RawState.JSON) == 0 {
		return s.ProtocolServer.UpgradeResourceState(ctx, req)
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &tfprotov6.DynamicValue{JSON: req.RawState.JSON}}, nil
}

func (idleServer) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private, NewIdentity: req.CurrentIdentity}, nil
}

// PlanResourceChange plans an existing resource as its prior state. A
// create or a destroy goes to the provider: the benchmark plans neither,
// and Terraform would refuse a create planned as nothing.
func (s idleServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if isNull(req.PriorState) || isNull(req.ProposedNewState) {
		return s.ProtocolServer.PlanResourceChange(ctx, req)
	}
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.PriorState, PlannedPrivate: req.PriorPrivate, PlannedIdentity: req.PriorIdentity}, nil
}

// isNull reports whether v is absent or msgpack's nil, the encoding of a
// null object.
func isNull(v *tfprotov6.DynamicValue) bool {
	return v == nil || (len(v.MsgPack) == 0 && len(v.JSON) == 0) || (len(v.MsgPack) == 1 && v.MsgPack[0] == 0xc0)
}

package main

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/provider"
)

// recorder stands for the real provider's server: it records which calls
// reached it. Calls it does not implement panic through the nil interface.
type recorder struct {
	provider.ProtocolServer
	planned, upgraded int
}

func (p *recorder) PlanResourceChange(context.Context, *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	p.planned++
	return &tfprotov6.PlanResourceChangeResponse{}, nil
}

func (p *recorder) UpgradeResourceState(context.Context, *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	p.upgraded++
	return &tfprotov6.UpgradeResourceStateResponse{}, nil
}

// msgpackNull is msgpack's nil, the encoding of a null object.
var msgpackNull = &tfprotov6.DynamicValue{MsgPack: []byte{0xc0}}

// An existing resource is planned, read and upgraded as it is, without the
// provider; a create or a destroy goes to the provider.
func TestIdleServer(t *testing.T) {
	ctx := context.Background()
	inner := &recorder{}
	s := idleServer{inner}
	prior := &tfprotov6.DynamicValue{MsgPack: []byte{0x81, 0xa1, 'a', 0x01}}
	private := []byte(`{"k":1}`)

	plan, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{PriorState: prior, ProposedNewState: prior, PriorPrivate: private})
	if err != nil || plan.PlannedState != prior || string(plan.PlannedPrivate) != string(private) || inner.planned != 0 {
		t.Errorf("planning an existing resource = %+v, %v, %d calls to the provider; want its prior state and private data, and no call", plan, err, inner.planned)
	}
	for _, req := range []*tfprotov6.PlanResourceChangeRequest{
		{PriorState: msgpackNull, ProposedNewState: prior}, // create
		{PriorState: prior, ProposedNewState: msgpackNull}, // destroy
		{ProposedNewState: prior},                          // create, no prior at all
	} {
		before := inner.planned
		if _, err := s.PlanResourceChange(ctx, req); err != nil || inner.planned != before+1 {
			t.Errorf("planning %+v did not go to the provider (err %v)", req, err)
		}
	}

	read, err := s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{CurrentState: prior, Private: private})
	if err != nil || read.NewState != prior || string(read.Private) != string(private) {
		t.Errorf("reading = %+v, %v; want the current state and private data", read, err)
	}

	state := []byte(`{"name":"a"}`)
	up, err := s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{RawState: &tfprotov6.RawState{JSON: state}})
	if err != nil || up.UpgradedState == nil || string(up.UpgradedState.JSON) != string(state) || inner.upgraded != 0 {
		t.Errorf("upgrading JSON state = %+v, %v, %d calls to the provider; want the JSON as it is, and no call", up, err, inner.upgraded)
	}
	if _, err := s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{RawState: &tfprotov6.RawState{Flatmap: map[string]string{"id": "a"}}}); err != nil || inner.upgraded != 1 {
		t.Errorf("upgrading flatmap state did not go to the provider (err %v)", err)
	}

	if v, err := s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{}); err != nil || len(v.Diagnostics) != 0 {
		t.Errorf("validating = %+v, %v; want no diagnostics", v, err)
	}
}

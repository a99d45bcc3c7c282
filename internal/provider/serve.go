package provider

import (
	"context"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// gcPercent is the collector's heap growth target in a provider process
// (Go's default is 100), unless GOGC is set. A provider process lives for
// one Terraform command, with a small heap that is mostly the cluster
// snapshot: in the benchmark's no-change plan of 610 resources about a
// fifth of its CPU went to collection at 100. At 400 that plan's ratio to
// the floor fell from 1.92x to 1.68x and its peak RSS rose from 47 to 73 MiB.
const gcPercent = 400

// tuneGC sets gcPercent unless the environment chose a GOGC.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
}

// Serve serves the provider over the plugin protocol, as
// providerserver.Serve does, through releasingServer.
func Serve(address, version string, debugger bool) error {
	return ServeServer(address, func() tfprotov6.ProviderServer {
		return NewServer(version)
	}, debugger)
}

// ServeServer serves the protocol server that newServer returns in a
// process set up as the provider's own: the libraries' logs off unless
// asked for (silenceUnrequestedLogs) and the collector tuned (gcPercent).
func ServeServer(address string, newServer func() tfprotov6.ProviderServer, debugger bool) error {
	silenceUnrequestedLogs()
	tuneGC()
	var opts []tf6server.ServeOpt
	if debugger {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve(address, newServer, opts...)
}

// NewServer returns the provider's protocol server: the framework's,
// wrapped in releasingServer.
func NewServer(version string) tfprotov6.ProviderServer {
	inner := providerserver.NewProtocol6(New(version)())()
	if full, ok := inner.(ProtocolServer); ok {
		return releasingServer{full}
	}
	return inner
}

// ProtocolServer is every protocol interface the framework's server
// implements, so that a wrapper (releasingServer here, the benchmark's
// idle provider) hides none from tf6server.
type ProtocolServer interface {
	tfprotov6.ProviderServerWithListResource //nolint:staticcheck // ProviderServer gains these in a later terraform-plugin-go.
	tfprotov6.ProviderServerWithActions      //nolint:staticcheck // as above
	tfprotov6.ProviderServerWithStateStores  //nolint:staticcheck // as above
}

// releasingServer passes each per-resource call to the framework's server
// with a context that lets go of the request's context when the call
// returns.
//
// The framework's server (terraform-plugin-framework v1.19) keeps the
// cancel function of every request's context until StopProvider, which
// Terraform sends only to interrupt a run. Each one holds the request's
// whole context: the SDK's loggers and the gRPC stream, about 13 KiB. A
// plan calls the provider three or four times per resource, so a plan of
// 3000 resources kept about 150 MiB that was never used again.
type releasingServer struct {
	ProtocolServer
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return released(ctx, req, s.ProtocolServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return released(ctx, req, s.ProtocolServer.UpgradeResourceState)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return released(ctx, req, s.ProtocolServer.UpgradeResourceIdentity)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return released(ctx, req, s.ProtocolServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return released(ctx, req, s.ProtocolServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return released(ctx, req, s.ProtocolServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return released(ctx, req, s.ProtocolServer.ImportResourceState)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return released(ctx, req, s.ProtocolServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return released(ctx, req, s.ProtocolServer.ReadDataSource)
}

func (s releasingServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return released(ctx, req, s.ProtocolServer.CallFunction)
}

// released calls serve with a releasable context standing for ctx, and
// releases it when serve returns.
func released[Req, Resp any](ctx context.Context, req Req, serve func(context.Context, Req) (Resp, error)) (Resp, error) {
	ctx, release := releasable(ctx)
	defer release()
	return serve(ctx, req)
}

// releasableContext carries a request's values, deadline and cancellation
// until it is released, and nothing after: a context the framework keeps
// then holds no more than this struct.
type releasableContext struct {
	// done closes when the request's context ends or on release.
	done chan struct{}

	mu      sync.Mutex
	request context.Context // nil once released
	err     error           // set when done closes
}

// releasable returns a context standing for ctx and the function that
// ends it and lets go of ctx. The function must be called.
func releasable(ctx context.Context) (context.Context, func()) {
	r := &releasableContext{done: make(chan struct{}), request: ctx}
	stop := context.AfterFunc(ctx, func() { r.end(ctx.Err()) })
	return r, func() {
		stop()
		r.end(context.Canceled)
		r.mu.Lock()
		r.request = nil
		r.mu.Unlock()
	}
}

// end closes done with err, the first time.
func (r *releasableContext) end(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return
	}
	r.err = err
	close(r.done)
}

func (r *releasableContext) current() context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.request
}

func (r *releasableContext) Deadline() (time.Time, bool) {
	if ctx := r.current(); ctx != nil {
		return ctx.Deadline()
	}
	return time.Time{}, false
}

func (r *releasableContext) Done() <-chan struct{} { return r.done }

func (r *releasableContext) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func (r *releasableContext) Value(key any) any {
	if ctx := r.current(); ctx != nil {
		return ctx.Value(key)
	}
	return nil
}

package provider_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/provider"
)

// retainedPerCall sends, through tf6server as the plugin protocol delivers
// them (each request's context ended when it returns), calls requests of
// each of ValidateResourceConfig, ReadResource and PlanResourceChange for a
// topic, after a few to warm up, and returns the heap that stays allocated
// per request.
func retainedPerCall(t *testing.T, server tfprotov6.ProviderServer, calls int) float64 {
	t.Helper()
	ctx := context.Background()
	schemas := configureFromEnv(t, server)
	typ := schemas.ResourceSchemas["kafkatenant_topic"].ValueType()
	attrs := nullAttributes(typ)
	attrs["name"] = tftypes.NewValue(tftypes.String, "ktacc-retained")
	attrs["partitions"] = tftypes.NewValue(tftypes.Number, 1)
	topic, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	// tf6server's gRPC handlers take requests of types internal to
	// terraform-plugin-go: build them by reflection.
	protocol := reflect.ValueOf(tf6server.New("registry.terraform.io/kafkatenant/kafkatenant", server))
	send := func(method string) {
		m := protocol.MethodByName(method)
		req := reflect.New(m.Type().In(1).Elem())
		msg := req.Interface().(proto.Message).ProtoReflect()
		fields := msg.Descriptor().Fields()
		msg.Set(fields.ByName("type_name"), protoreflect.ValueOfString("kafkatenant_topic"))
		for _, name := range []protoreflect.Name{"config", "current_state", "prior_state", "proposed_new_state"} {
			if fd := fields.ByName(name); fd != nil {
				v := msg.NewField(fd).Message()
				v.Set(v.Descriptor().Fields().ByName("msgpack"), protoreflect.ValueOfBytes(topic.MsgPack))
				msg.Set(fd, protoreflect.ValueOfMessage(v))
			}
		}
		rctx, cancel := context.WithCancel(ctx)
		out := m.Call([]reflect.Value{reflect.ValueOf(rctx), req})
		cancel()
		if err, _ := out[1].Interface().(error); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
	}
	var retained float64
	for _, m := range []string{"ValidateResourceConfig", "ReadResource", "PlanResourceChange"} {
		for range 50 {
			send(m)
		}
		before := acctest.LiveHeap()
		for range calls {
			send(m)
		}
		retained += float64(acctest.LiveHeap()) - float64(before)
	}
	return retained / float64(3*calls)
}

// The framework's server keeps every request's context until the provider
// is stopped; the provider's server must not, or a plan of thousands of
// resources holds hundreds of MiB of finished requests.
func TestAccServer_keepsNothingOfFinishedRequests(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1", resource.EnvTfAcc)
	}
	acctest.PreCheck(t)
	// As the provider runs when no TF_LOG variable is set (see
	// silenceUnrequestedLogs); the loggers are still made for each request.
	for _, name := range []string{"TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		t.Setenv(name, "OFF")
	}
	const calls = 300
	plain := retainedPerCall(t, providerserver.NewProtocol6(provider.New("test")())(), calls)
	ours := retainedPerCall(t, provider.NewServer("test"), calls)
	t.Logf("retained per request: %.0f bytes through the framework's server, %.0f through the provider's", plain, ours)
	if ours > 1024 {
		t.Errorf("the provider's server retained %.0f bytes per finished request, want under 1 KiB", ours)
	}
	if plain < 4*1024 {
		t.Logf("the framework's server no longer retains finished requests (%.0f bytes each): provider.releasingServer may be dropped", plain)
	}
}

// A releasable context carries the request's values and cancellation
// until released, and lets go of them after.
func TestReleasable(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	ctx, release := provider.Releasable(parent)
	if got := ctx.Value(key{}); got != "v" {
		t.Errorf("Value before release = %v, want v", got)
	}
	if ctx.Err() != nil {
		t.Errorf("Err before the end = %v, want nil", ctx.Err())
	}
	cancel()
	<-ctx.Done()
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("Err after the request ended = %v, want context.Canceled", ctx.Err())
	}
	if got := ctx.Value(key{}); got != "v" {
		t.Errorf("Value after the request ended but before release = %v, want v", got)
	}
	release()
	if got := ctx.Value(key{}); got != nil {
		t.Errorf("Value after release = %v, want nil", got)
	}

	ctx, release = provider.Releasable(context.Background())
	release()
	select {
	case <-ctx.Done():
	default:
		t.Error("Done is still open after release")
	}
}

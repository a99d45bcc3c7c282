package validators

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// HostPorts validates a list of broker addresses, each "host:port" with a
// port from 1 to 65535.
func HostPorts() validator.List { return hostPortsValidator{} }

type hostPortsValidator struct{}

func (hostPortsValidator) Description(context.Context) string {
	return "each element must be host:port with a port from 1 to 65535"
}

func (v hostPortsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (hostPortsValidator) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for i, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if problem := HostPortProblem(s.ValueString()); problem != "" {
			resp.Diagnostics.AddAttributeError(req.Path.AtListIndex(i), "Invalid Broker Address",
				fmt.Sprintf("The broker address %q is not usable: %s. Write it as host:port, for example \"broker1.example.com:9092\".", s.ValueString(), problem))
		}
	}
}

// HostPortProblem returns why addr is not a host:port pair, or "".
func HostPortProblem(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "it has no port"
	}
	if host == "" {
		return "the host is empty"
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("the port %q is not a number from 1 to 65535", port)
	}
	return ""
}

// Duration validates a positive Go duration string such as "30s".
func Duration() validator.String { return durationValidator{} }

type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "must be a positive Go duration such as \"30s\" or \"2m\""
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	if d, err := time.ParseDuration(v); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("The value %q is not a positive Go duration. Use a number with a unit, such as \"30s\", \"90s\" or \"2m\".", v))
	}
}

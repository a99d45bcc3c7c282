package validators

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
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

// DurationBetween validates a Go duration string from min to max inclusive,
// such as the provider's timeout, which the Kafka client accepts only in a
// range.
func DurationBetween(minimum, maximum time.Duration) validator.String {
	return durationValidator{min: minimum, max: maximum}
}

// durationValidator checks a duration string; a zero max leaves it
// unbounded above.
type durationValidator struct{ min, max time.Duration }

func (v durationValidator) Description(context.Context) string {
	if v.max == 0 {
		return "must be a positive Go duration such as \"30s\" or \"2m\""
	}
	return fmt.Sprintf("must be a Go duration from %s to %s, such as \"30s\" or \"2m\"", ShortDuration(v.min), ShortDuration(v.max))
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if v.max == 0 {
		if d, err := time.ParseDuration(value); err != nil || d <= 0 {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
				fmt.Sprintf("The value %q is not a positive Go duration. Use a number with a unit, such as \"30s\", \"90s\" or \"2m\".", value))
		}
		return
	}
	if _, problem := ParseDurationBetween(value, v.min, v.max); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration", fmt.Sprintf("The value %q %s.", value, problem))
	}
}

// ParseDurationBetween parses s as a Go duration from min to max inclusive.
// When it is not one, it returns why, as a phrase that follows the quoted
// value ("is not a Go duration ..."), naming the range and an example.
func ParseDurationBetween(s string, minimum, maximum time.Duration) (time.Duration, string) {
	d, err := time.ParseDuration(s)
	rng := fmt.Sprintf("from %s to %s", ShortDuration(minimum), ShortDuration(maximum))
	switch {
	case err != nil:
		return 0, fmt.Sprintf("is not a Go duration: use a number with a unit %s, such as \"30s\" or \"2m\"", rng)
	case d < minimum || d > maximum:
		return 0, fmt.Sprintf("is outside the range the Kafka client accepts: use a duration %s, such as \"30s\" or \"2m\"", rng)
	}
	return d, ""
}

// ShortDuration prints d as Go parses it, without zero units: "15m"
// rather than "15m0s".
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

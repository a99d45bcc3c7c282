package validators

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// MaxObjectNameLength bounds virtual cluster and tenant names, which become
// parts of topic names.
const MaxObjectNameLength = 64

var objectName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]*$`)

// ObjectName validates the name of a virtual cluster or tenant: 1 to 64
// characters from a-z, A-Z, 0-9, '_' and '-', starting with a letter or
// digit. Dots are left out because names are joined with dots into
// prefixes and principals.
func ObjectName() validator.String { return objectNameValidator{} }

type objectNameValidator struct{}

func (objectNameValidator) Description(context.Context) string {
	return fmt.Sprintf("must be 1 to %d characters from a-z, A-Z, 0-9, '_' and '-', starting with a letter or digit", MaxObjectNameLength)
}

func (v objectNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v objectNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	if problem := ObjectNameProblem(name); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Name", fmt.Sprintf("The name %q cannot be used: %s.", name, problem))
	}
}

// ObjectNameProblem returns why name cannot name a virtual cluster or
// tenant, stating the rule, or "" when it can.
func ObjectNameProblem(name string) string {
	if len(name) > MaxObjectNameLength || !objectName.MatchString(name) {
		return fmt.Sprintf("it %s. Names become parts of topic names and principals, joined with '.', so they cannot contain one",
			objectNameValidator{}.Description(context.Background()))
	}
	return ""
}

// Principal validates a Kafka principal of the form "Type:name", such as
// "User:payments", naming one identity (no "User:*").
func Principal() validator.String { return principalValidator{} }

// ACLPrincipal validates the principal of an ACL binding, where "User:*"
// (every user) is allowed.
func ACLPrincipal() validator.String { return principalValidator{wildcard: true} }

type principalValidator struct{ wildcard bool }

func (principalValidator) Description(context.Context) string {
	return `must be a Kafka principal "Type:name", such as "User:payments"`
}

func (v principalValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v principalValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	p := req.ConfigValue.ValueString()
	problem := PrincipalProblem(p)
	if problem == "" && !v.wildcard && strings.HasSuffix(p, ":*") {
		problem = "a wildcard matches every principal of its type and cannot be one tenant's principal"
	}
	if problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Principal",
			fmt.Sprintf("The principal %q is not usable: %s. Write it as Type:name, for example \"User:payments\".", p, problem))
	}
}

// PrincipalProblem returns why p is not a Kafka principal, or "".
func PrincipalProblem(p string) string {
	typ, name, ok := strings.Cut(p, ":")
	switch {
	case !ok:
		return "it has no ':' between the principal type and the name"
	case typ == "":
		return "the principal type before ':' is empty"
	case name == "":
		return "the name after ':' is empty"
	}
	return ""
}

package acctest

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tfcli"
)

// EnvRequireIdentity makes the resource identity tests fail rather than
// skip under a CLI too old for identity, as CI wants.
const EnvRequireIdentity = "KAFKATENANT_REQUIRE_IDENTITY"

// IdentityMinimumVersion is the first Terraform and OpenTofu version that
// stores resource identities and imports by them.
var IdentityMinimumVersion = version.Must(version.NewVersion("1.12.0"))

// RequireIdentity is the TerraformVersionChecks entry of tests of resource
// identity. Under an older CLI it skips the test, naming the CLI, its
// version and how to get a suitable one; with EnvRequireIdentity=1 it
// fails it instead.
func RequireIdentity() tfversion.TerraformVersionCheck { return identityCheck{} }

type identityCheck struct{}

func (identityCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if req.TerraformVersion == nil || !req.TerraformVersion.LessThan(IdentityMinimumVersion) {
		return
	}
	msg := identitySkipReason(suiteCLI, req.TerraformVersion)
	if os.Getenv(EnvRequireIdentity) == "1" {
		resp.Error = errors.New(msg + " (" + EnvRequireIdentity + "=1 makes this an error)")
		return
	}
	resp.Skip = msg
}

// identitySkipReason explains why a test of resource identity cannot run
// under cli and how to run it.
func identitySkipReason(cli tfcli.CLI, v *version.Version) string {
	name, where := "Terraform", cli.Path
	if cli.OpenTofu {
		name = "OpenTofu"
	}
	if where == "" {
		where = os.Getenv("TF_ACC_TERRAFORM_PATH")
	}
	cache := "the user cache directory"
	if p, err := tfcli.OpenTofuPath(); err == nil {
		cache = p
	}
	return fmt.Sprintf("resource identity needs Terraform or OpenTofu %s or later, and this run uses %s %s (%s). "+
		"Run `make testacc-identity`, which uses a terraform or tofu on PATH that is recent enough or builds OpenTofu %s into %s once "+
		"(about 5-7 minutes), or set TF_ACC_TERRAFORM_PATH to such a CLI.", IdentityMinimumVersion, name, v, where, tfcli.OpenTofuVersion, cache)
}

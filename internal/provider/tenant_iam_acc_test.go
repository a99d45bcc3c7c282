package provider_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// A SCRAM credential cannot be created on a cluster reached with
// AWS_MSK_IAM (MSK keeps SCRAM users in Secrets Manager): the plan says so
// before anything is touched.
func TestAccTenant_scramCredentialsRefusedOnIAM(t *testing.T) {
	// Static, fake credentials keep the SDK's default chain from asking
	// the instance metadata service; the embedded cluster then refuses
	// the mechanism, which is not what this test is about.
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAKAFKATENANTTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	name := acctest.Name("iam")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "kafkatenant" {
  sasl = {
    mechanism = "AWS_MSK_IAM"
    aws       = { region = "eu-west-1" }
  }
}

resource "kafkatenant_tenant" "t" {
  name            = %q
  virtual_cluster = "unplanned"
  credentials = {
    password_wo         = "never-created"
    password_wo_version = 1
  }
}
`, name),
			PlanOnly:    true,
			ExpectError: expectError(`SCRAM Credentials on an AWS IAM Connection.*Tenant "` + name + `" sets credentials, but the provider connects with AWS_MSK_IAM.*Remove credentials`),
		}},
	})
}

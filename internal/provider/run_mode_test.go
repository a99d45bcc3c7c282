package provider

import "testing"

func TestDestroyArgs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"terraform", "destroy", "-auto-approve"}, true},
		{[]string{"/usr/local/bin/terraform", "-chdir=envs/prod", "destroy"}, true},
		{[]string{"tofu", "apply", "-destroy", "-auto-approve"}, true},
		{[]string{"terraform", "plan", "-destroy", "-out=destroy.tfplan"}, true},
		{[]string{"terraform", "plan", "--destroy=true"}, true},
		{[]string{"terraform", "apply", "-auto-approve"}, false},
		{[]string{"terraform", "plan", "-refresh=false"}, false},
		{[]string{"terraform", "apply", "destroy.tfplan"}, false},
		{[]string{"terraform", "plan", "-var", "mode=destroy"}, false},
		{[]string{"go", "test", "destroy"}, false},
		{[]string{"terraform"}, false},
		{nil, false},
	} {
		if got := destroyArgs(tc.args); got != tc.want {
			t.Errorf("destroyArgs(%q) = %t, want %t", tc.args, got, tc.want)
		}
	}
}

package provider

import (
	"bytes"
	"fmt"
	"os"
	"strings"
)

// cliDestroying reports whether the Terraform or OpenTofu command that
// started this provider process destroys the configuration: `destroy`, or
// `plan` or `apply` with `-destroy`.
//
// The plugin protocol does not say so, yet it matters: before destroying,
// Terraform plans the whole configuration once more in normal mode to
// refresh it, including resources that were never created, and an error
// in that plan stops the destroy. A plan-time rule that refused a resource
// would then also refuse to let the rest of the configuration be
// destroyed. So the provider reads the command line of its parent, the
// CLI, which starts every provider process it uses. Where that cannot be
// read (another operating system, or a provider served in-process by a
// test harness), it reports false and the rules run as in any plan.
func cliDestroying() bool {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", os.Getppid()))
	if err != nil {
		return false
	}
	var args []string
	for _, a := range bytes.Split(bytes.TrimRight(raw, "\x00"), []byte{0}) {
		args = append(args, string(a))
	}
	return destroyArgs(args)
}

// destroyArgs reports whether a Terraform or OpenTofu command line, its
// program name first, destroys: the subcommand `destroy`, or `plan` or
// `apply` with the -destroy flag. Global options such as -chdir may come
// before the subcommand.
func destroyArgs(args []string) bool {
	if len(args) < 2 {
		return false
	}
	prog := args[0][strings.LastIndexAny(args[0], `/\`)+1:]
	if !strings.HasPrefix(prog, "terraform") && !strings.HasPrefix(prog, "tofu") {
		return false
	}
	sub, rest := "", []string(nil)
	for i, a := range args[1:] {
		if !strings.HasPrefix(a, "-") {
			sub, rest = a, args[i+2:]
			break
		}
	}
	switch sub {
	case "destroy":
		return true
	case "plan", "apply":
		for _, a := range rest {
			switch strings.TrimLeft(a, "-") {
			case "destroy", "destroy=true":
				return strings.HasPrefix(a, "-")
			}
		}
	}
	return false
}

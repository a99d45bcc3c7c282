package main

import "fmt"

// workload is one configuration the benchmark measures against its floor:
// the same number of terraform_data resources, Terraform's own cost.
type workload struct {
	// name selects the workload with -workload.
	name string
	// title heads the workload's table.
	title string
	// sizeFlag names the flag that lists the sizes to run, sizeLabel heads
	// the size column, and defaultSizes is the flag's default.
	sizeFlag, sizeLabel, defaultSizes, sizeUsage string
	// resources is how many resources a size declares, in both workdirs.
	resources func(size int) int
	// provider and floor render the two workdirs' main.tf.
	provider, floor func(size int) string
	// phases run in this order, each on the state the previous one left.
	phases []phase
	// expect is what the cluster must hold after a phase: the benchmark's
	// objects once applied, nothing once destroyed.
	expect func(size int, applied bool) inventory
}

// phase is one Terraform command, run several times per round when the
// workload wants more samples of it.
type phase struct {
	// name labels the phase in the table, such as "plan -refresh=false".
	name string
	// command is apply, plan or destroy.
	command string
	// args are added to the command's standard arguments.
	args []string
	// runs is how many samples each round takes.
	runs int
}

// applied reports whether the benchmark's objects exist after the phase.
func (p phase) applied() bool { return p.command != "destroy" }

var (
	applyPhase   = phase{name: "apply", command: "apply", runs: 1}
	destroyPhase = phase{name: "destroy", command: "destroy", runs: 1}
)

// plans is a phase of n no-change plans with extra arguments.
func plans(n int, args ...string) phase {
	name := "plan"
	for _, a := range args {
		name += " " + a
	}
	return phase{name: name, command: "plan", args: args, runs: n}
}

// workloads are the workloads the benchmark knows, in the order they run.
var workloads = []workload{topicsWorkload, jobWorkload}

// workloadNamed returns the workload called name.
func workloadNamed(name string) (workload, error) {
	for _, w := range workloads {
		if w.name == name {
			return w, nil
		}
	}
	names := make([]string, len(workloads))
	for i, w := range workloads {
		names[i] = w.name
	}
	return workload{}, fmt.Errorf("-workload: unknown workload %q (known: %v)", name, names)
}

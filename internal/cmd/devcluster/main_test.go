//go:build unix

package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/acctest"
)

// portList is ports as the -ports flag takes them.
func portList(ports []int) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ",")
}

// listening reports whether something accepts connections on the port.
func listening(port int) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// waitFor polls cond for up to d.
func waitFor(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// output is a command's combined output, in a file rather than a pipe so
// that waiting for the command never waits for an orphan holding the pipe.
type output struct{ f *os.File }

func newOutput(t *testing.T) output {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return output{f}
}

func (o output) String() string {
	b, _ := os.ReadFile(o.f.Name())
	return string(b)
}

// startCommand starts cmd in a process group of its own, killed with
// everything in it when the test ends, so that a failing test leaves no
// cluster behind.
func startCommand(t *testing.T, cmd *exec.Cmd, out output) {
	t.Helper()
	cmd.Stdout, cmd.Stderr = out.f, out.f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
}

// waitUp waits until the cluster has written its env file and listens.
func waitUp(t *testing.T, envFile string, port int, out fmt.Stringer) {
	t.Helper()
	up := waitFor(2*time.Minute, func() bool {
		fi, err := os.Stat(envFile)
		return err == nil && fi.Size() > 0 && listening(port)
	})
	if !up {
		t.Fatalf("the dev cluster did not come up on port %d:\n%s", port, out)
	}
}

// The dev cluster stops cleanly, exit status 0 and its ports closed, on
// Ctrl-C (SIGINT) and on SIGTERM.
func TestDevCluster_stopsCleanlyOnSignals(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "devcluster")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			ports := acctest.FreePorts(t, 3)
			env := filepath.Join(t.TempDir(), "cluster.env")
			out := newOutput(t)
			cmd := exec.Command(bin, "-ports", portList(ports), "-env-file", env)
			startCommand(t, cmd, out)
			waitUp(t, env, ports[0], out)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("the dev cluster exited with %v on %s, want status 0:\n%s", err, sig, out)
			}
			for _, p := range ports {
				if listening(p) {
					t.Errorf("port %d still accepts connections after the dev cluster exited", p)
				}
			}
		})
	}
}

// `make dev-cluster` sent SIGTERM, as a supervisor or CI job stops it,
// leaves no cluster running: make passes the signal on to the cluster
// itself, which `go run` would not have.
func TestMakeDevCluster_SIGTERMLeavesNoCluster(t *testing.T) {
	makeBin, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make is not on PATH; the README lists it among the prerequisites")
	}
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ports := acctest.FreePorts(t, 3)
	env := filepath.Join(dir, "cluster.env")
	out := newOutput(t)
	cmd := exec.Command(makeBin, "-C", root, "dev-cluster",
		"DEV_CLUSTER_BIN="+filepath.Join(dir, "devcluster"),
		"DEV_CLUSTER_ARGS=-ports "+portList(ports)+" -env-file "+env)
	startCommand(t, cmd, out)
	waitUp(t, env, ports[0], out)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var exit *exec.ExitError
	if err := cmd.Wait(); err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	if !waitFor(10*time.Second, func() bool { return !listening(ports[0]) }) {
		t.Fatalf("port %d still accepts connections after make exited on SIGTERM: the dev cluster was orphaned\n%s", ports[0], out)
	}
	if !strings.Contains(out.String(), "stopping the dev cluster") {
		t.Errorf("the dev cluster did not stop cleanly on SIGTERM:\n%s", out)
	}
}

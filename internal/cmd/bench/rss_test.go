package main

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A /proc/<pid>/status text as Linux 6 writes it, trimmed.
const statusText = `Name:	terraform-provi
Umask:	0022
State:	S (sleeping)
Tgid:	4242
Pid:	4242
PPid:	4200
VmPeak:	 1892516 kB
VmSize:	 1826980 kB
VmHWM:	  131072 kB
VmRSS:	   98304 kB
Threads:	12
`

func TestParseVmHWM(t *testing.T) {
	got, err := parseHighWaterMark(statusText)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(131072 * 1024); got != want {
		t.Errorf("parseHighWaterMark = %d, want %d (VmHWM, not VmRSS or VmPeak, in bytes)", got, want)
	}
	for name, text := range map[string]string{
		"kernel thread, no Vm lines": "Name:\tkthreadd\nState:\tS (sleeping)\n",
		"unit other than kB":         "VmHWM:\t  131072 MB\n",
		"not a number":               "VmHWM:\t  lots kB\n",
	} {
		if _, err := parseHighWaterMark(text); err == nil {
			t.Errorf("%s: parseHighWaterMark accepted %q", name, text)
		}
	}
}

// The watcher finds a grandchild by its executable, as it finds the
// provider below terraform (or below a wrapper script), and ignores the
// other processes in between.
func TestWatchProvider(t *testing.T) {
	if !rssSupported() {
		t.Skip("this system has no /proc/<pid>/task/<tid>/children; the benchmark reports RSS as n/a here")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command:", err)
	}
	// The shell forks sleep rather than replacing itself with it, because
	// a command follows.
	cmd := exec.Command("sh", "-c", `"$0" 0.5; true`, sleep)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := watchProvider(cmd.Process.Pid, sleep, 10*time.Millisecond)
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	got := stop()
	if !got.supported || got.processes != 1 || got.bytes <= 0 {
		t.Errorf("watching sh running sleep = %+v, want one process with a positive peak", got)
	}
	if !strings.HasSuffix(got.String(), " MiB") {
		t.Errorf("String() = %q, want a size in MiB", got.String())
	}

	// A run that starts no matching process reports none seen.
	cmd = exec.Command("sh", "-c", "true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop = watchProvider(cmd.Process.Pid, sleep, 10*time.Millisecond)
	_ = cmd.Wait()
	if got := stop(); got.processes != 0 || got.String() != "not seen" {
		t.Errorf("watching a run without the executable = %+v (%s), want none seen", got, got)
	}
}

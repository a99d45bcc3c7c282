package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// rssInterval is how often the provider's memory is sampled.
const rssInterval = 50 * time.Millisecond

// peakRSS is the largest resident set of the provider processes one
// Terraform run started, as the kernel's high-water mark (VmHWM) reported
// it at the last sample before each process exited. The provider may have
// grown after that last sample, so this is a lower bound, off by at most
// what it allocates in one sampling interval.
type peakRSS struct {
	// supported is false where /proc cannot show it (not Linux, or a
	// kernel without /proc/<pid>/task/<tid>/children).
	supported bool
	// bytes is the largest VmHWM seen.
	bytes int64
	// processes counts the provider processes seen: Terraform starts one
	// for the schema and validation and another for each graph walk.
	processes int
}

// String renders the peak in MiB, "n/a" where it cannot be measured, and
// "not seen" when no provider process was caught (one that lives less
// than a sampling interval).
func (p peakRSS) String() string {
	switch {
	case !p.supported:
		return "n/a"
	case p.processes == 0:
		return "not seen"
	}
	return fmt.Sprintf("%.0f MiB", float64(p.bytes)/(1<<20))
}

// max combines the peaks of two runs of a phase.
func (p peakRSS) max(q peakRSS) peakRSS {
	return peakRSS{supported: p.supported || q.supported, bytes: max(p.bytes, q.bytes), processes: max(p.processes, q.processes)}
}

// rssSupported reports whether this system lets a process find its
// descendants and read their memory high-water mark.
func rssSupported() bool {
	self := os.Getpid()
	_, err := os.Stat(fmt.Sprintf("/proc/%d/task/%d/children", self, self))
	return err == nil
}

// watchProvider samples, every interval until stop is called, the VmHWM
// of every descendant of root whose executable is exe, and returns the
// largest value seen. Terraform starts providers as its children; walking
// all descendants also finds them under a wrapper script.
func watchProvider(root int, exe string, interval time.Duration) (stop func() peakRSS) {
	if !rssSupported() {
		return func() peakRSS { return peakRSS{} }
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	peak := peakRSS{supported: true}
	providers := map[int]bool{} // the provider processes found so far
	sample := func() {
		for _, pid := range descendants(root) {
			if !providers[pid] {
				// Checked on every sample until it matches: a child
				// between fork and exec still shows Terraform's binary.
				target, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
				if err != nil || target != exe {
					continue
				}
				providers[pid] = true
				peak.processes++
			}
			status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
			if err != nil {
				continue // exited since it was listed
			}
			if hwm, err := parseHighWaterMark(string(status)); err == nil {
				peak.bytes = max(peak.bytes, hwm)
			}
		}
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			sample()
			select {
			case <-done:
				return
			case <-ticker.C:
			}
		}
	}()
	return func() peakRSS {
		close(done)
		<-stopped // peak is the goroutine's until it has returned
		return peak
	}
}

// descendants lists the processes below pid, children first, from the
// children file of each of its threads. A process that exits meanwhile is
// skipped.
func descendants(pid int) []int {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return nil
	}
	var out []int
	for _, task := range tasks {
		children, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, task.Name()))
		if err != nil {
			continue
		}
		for _, field := range strings.Fields(string(children)) {
			child, err := strconv.Atoi(field)
			if err != nil {
				continue
			}
			out = append(out, child)
			out = append(out, descendants(child)...)
		}
	}
	return out
}

// parseHighWaterMark returns the VmHWM line of a /proc/<pid>/status text in bytes.
func parseHighWaterMark(status string) (int64, error) {
	scanner := bufio.NewScanner(strings.NewReader(status))
	for scanner.Scan() {
		value, found := strings.CutPrefix(scanner.Text(), "VmHWM:")
		if !found {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("VmHWM line %q is not \"<number> kB\"", scanner.Text())
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("VmHWM line %q: %w", scanner.Text(), err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("no VmHWM line in the status text (a kernel thread, or a process that has exited)")
}

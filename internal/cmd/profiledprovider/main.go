// Command profiledprovider is the kafkatenant provider with profiles: the
// benchmark builds it instead of the provider when asked to profile, and
// every provider process Terraform starts writes its CPU profile, its heap
// profile (in use at exit, and everything allocated) and its goroutines to
// the directory in KAFKATENANT_PROFILE_DIR when it exits.
// It is never released.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/provider"
)

func main() {
	dir := os.Getenv("KAFKATENANT_PROFILE_DIR")
	if dir == "" {
		log.Fatal("profiledprovider: set KAFKATENANT_PROFILE_DIR to the directory for the profiles")
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	provider.SilenceUnrequestedLogs()
	serveErr := providerserver.Serve(context.Background(), provider.New("profiled"), providerserver.ServeOpts{
		Address: "registry.terraform.io/kafkatenant/kafkatenant",
	})
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	// A collection first, so that "in use" is what is still reachable once
	// Terraform has closed the provider, not what the last collection of
	// a busy run happened to find.
	runtime.GC()
	if err := writeProfile("heap", filepath.Join(dir, fmt.Sprintf("heap-%d.pprof", os.Getpid()))); err != nil {
		log.Fatal(err)
	}
	if err := writeProfile("goroutine", filepath.Join(dir, fmt.Sprintf("goroutine-%d.pprof", os.Getpid()))); err != nil {
		log.Fatal(err)
	}
	if serveErr != nil {
		log.Fatal(serveErr)
	}
}

// writeProfile writes the named runtime profile to path. The heap profile
// holds both what is in use and everything allocated since the start (go
// tool pprof -sample_index=alloc_space); the goroutine profile shows what
// is still running once Terraform has closed the provider.
func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	werr := pprof.Lookup(name).WriteTo(f, 0)
	return errors.Join(werr, f.Close())
}

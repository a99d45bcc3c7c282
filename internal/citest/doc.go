// Package citest holds tests of the repository's CI and release
// definitions: the GitHub Actions workflows cannot run on the machines the
// project is developed on (no Docker, no network beyond the package
// registries), so their structure is checked here, offline, against the
// GNUmakefile, the scripts and the goreleaser configuration they call.
package citest

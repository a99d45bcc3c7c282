package provider_test

import (
	"regexp"
	"strings"
)

// expectError compiles an ExpectError pattern in which every space matches
// any run of white space, because Terraform wraps diagnostic text at
// arbitrary points. The pattern spans lines ((?s) is implied).
func expectError(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
}

package provider

import "testing"

// FuzzParseACLID feeds kafkatenant_acl import IDs to parseACLID. It must
// never panic, and a binding it accepts must print, with aclID, as an ID
// that parses back to the same binding, whatever '|' and '%' its fields
// hold.
func FuzzParseACLID(f *testing.F) {
	f.Fuzz(func(t *testing.T, id string) {
		a, err := parseACLID(id)
		if err != nil {
			return
		}
		again, err := parseACLID(aclID(a))
		if err != nil || again != a {
			t.Fatalf("parseACLID(%q) = %+v, but its ID %q parses as %+v, %v", id, a, aclID(a), again, err)
		}
	})
}

package validators_test

import (
	"strings"
	"testing"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/validators"
)

// FuzzTopicNamesAndPrefixes feeds topic names, prefixes and object names to
// the rules that judge them. None may panic; a name TopicNameProblem accepts
// must be one Kafka accepts; an object name ObjectNameProblem accepts must
// be able to join a prefix (no '.'); prefix overlap is symmetric; and a
// suggested name lies inside the prefix it was suggested for.
func FuzzTopicNamesAndPrefixes(f *testing.F) {
	f.Fuzz(func(t *testing.T, prefix, name string) {
		if validators.TopicNameProblem(name) == "" {
			if len(name) == 0 || len(name) > validators.MaxTopicNameLength || name == "." || name == ".." {
				t.Fatalf("TopicNameProblem accepts %q", name)
			}
			for _, r := range name {
				if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
					t.Fatalf("TopicNameProblem accepts %q with %q", name, r)
				}
			}
		}
		if validators.ObjectNameProblem(name) == "" && (name == "" || len(name) > validators.MaxObjectNameLength || strings.ContainsAny(name, ". ")) {
			t.Fatalf("ObjectNameProblem accepts %q", name)
		}
		if tenancy.Overlaps(prefix, name) != tenancy.Overlaps(name, prefix) {
			t.Fatalf("Overlaps(%q, %q) is not symmetric", prefix, name)
		}
		if suggested := tenancy.SuggestTopicName(prefix, name); !strings.HasPrefix(suggested, prefix) {
			t.Fatalf("SuggestTopicName(%q, %q) = %q, outside the prefix", prefix, name, suggested)
		}
		_ = tenancy.IsInternal(name)
		_ = tenancy.Within(name, prefix)
	})
}

package topicconfig

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzValidate feeds values to every topic config key by type, and keys that
// are not configs. Nothing may panic; a value Validate accepts must be
// Equivalent to the spelling a cluster echoes back (the number in canonical
// form, the list in another order), so that an accepted value never shows
// as drift.
func FuzzValidate(f *testing.F) {
	keys := Keys()
	f.Fuzz(func(t *testing.T, index uint, rawKey, value string) {
		_ = Validate(rawKey, value)
		_ = Suggest(rawKey)
		key := keys[index%uint(len(keys))]
		if Validate(key, value) != nil {
			return
		}
		var echoed string
		switch spec := byKey[key]; spec.Kind {
		case Int, Long:
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil {
				t.Fatalf("Validate(%q, %q) accepted a value that is not a whole number", key, value)
			}
			echoed = strconv.FormatInt(n, 10)
		case Double:
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				t.Fatalf("Validate(%q, %q) accepted a value that is not a number", key, value)
			}
			echoed = strconv.FormatFloat(v, 'g', -1, 64)
		case List:
			parts := strings.Split(value, ",")
			slices.Reverse(parts)
			echoed = strings.Join(parts, ", ")
		case Boolean:
			echoed = strings.ToLower(value)
		default:
			echoed = value
		}
		if !Equivalent(key, value, echoed) {
			t.Fatalf("Validate(%q, %q) accepts it, but the cluster's spelling %q is not Equivalent", key, value, echoed)
		}
	})
}

package topicconfig

import (
	"fmt"
	"sort"
	"strings"
)

// vendorNamespaces are the key prefixes that Kafka distributions use for
// topic configs of their own. Amazon MSK adds none: its topic-level
// settings, tiered storage included, are Apache Kafka's keys.
var vendorNamespaces = []struct{ prefix, vendor string }{
	{"confluent.", "Confluent Platform and Confluent Cloud"},
	{"redpanda.", "Redpanda"},
}

// Vendor returns the distribution whose namespace key lies in, such as
// "Redpanda" for "redpanda.remote.read", and whether it lies in one.
func Vendor(key string) (string, bool) {
	for _, ns := range vendorNamespaces {
		if strings.HasPrefix(key, ns.prefix) && len(key) > len(ns.prefix) {
			return ns.vendor, true
		}
	}
	return "", false
}

// VendorPrefixes returns the known vendor namespaces, such as "redpanda.".
func VendorPrefixes() []string {
	out := make([]string, len(vendorNamespaces))
	for i, ns := range vendorNamespaces {
		out[i] = ns.prefix
	}
	return out
}

// KeyProblem is a topic config key that Apache Kafka's catalogue does not
// hold and that the brokers did not vouch for.
type KeyProblem struct {
	// Key is the config key.
	Key string
	// Warning is true for a key in a vendor namespace, which may be right
	// on that vendor's brokers; otherwise the key is an error.
	Warning bool
	// Detail explains the problem and the fix in full sentences.
	Detail string
}

// CheckKeys returns the keys among keys that are neither Apache Kafka
// topic configs nor reported by the brokers, in key order. broker is the
// set of topic config keys the connected brokers report (DescribeConfigs of
// a topic lists every topic-level key a broker knows, vendor keys
// included), or nil when no broker could be asked. A key in a vendor
// namespace is a warning; any other key is an error that suggests the
// closest known keys.
func CheckKeys(keys []string, broker map[string]bool) []KeyProblem {
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	var out []KeyProblem
	for _, key := range sorted {
		if _, ok := byKey[key]; ok || broker[key] {
			continue
		}
		if vendor, ok := Vendor(key); ok {
			why := "No broker could be asked which keys it knows (the connection settings are not known yet, or the cluster has no topic to describe)"
			if broker != nil {
				why = "The brokers do not list it among the topic configs they know, so this cluster may reject or ignore it"
			}
			out = append(out, KeyProblem{Key: key, Warning: true, Detail: fmt.Sprintf(
				"%q is in the namespace of %s, so kafkatenant does not check it against Apache Kafka's catalogue nor check its value. %s. "+
					"Check the key and value against your distribution's documentation.", key, vendor, why)})
			continue
		}
		out = append(out, KeyProblem{Key: key, Detail: unknownKeyText(key, broker)})
	}
	return out
}

func unknownKeyText(key string, broker map[string]bool) string {
	sug := Suggest(key)
	var reported []string
	for k := range broker {
		if _, apache := byKey[k]; !apache && near(key, k) {
			reported = append(reported, k)
		}
	}
	sort.Strings(reported)
	sug = append(sug, reported...)
	sug = sug[:min(len(sug), 3)]
	where := "Apache Kafka's topic configs"
	if broker != nil {
		where += " nor among those the brokers report"
	}
	text := fmt.Sprintf("%q is not among %s", key, where)
	if len(sug) > 0 {
		return text + fmt.Sprintf("; did you mean %s?", quoteJoin(sug, " or "))
	}
	return text + fmt.Sprintf(". Keys of a vendor's own topic configs start with %s.", quoteJoin(VendorPrefixes(), " or "))
}

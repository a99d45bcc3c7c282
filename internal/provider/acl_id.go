package provider

import (
	"fmt"
	"strings"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

// aclIDEscaper keeps the field separator and the escape character itself
// unambiguous inside fields; everything else, ':' and ',' of principals
// included, is written as it is.
var (
	aclIDEscaper   = strings.NewReplacer("%", "%25", "|", "%7C")
	aclIDUnescaper = strings.NewReplacer("%7C", "|", "%7c", "|", "%25", "%")
)

// aclID renders a canonical binding as its import ID:
// resource_type|pattern_type|resource_name|principal|host|operation|permission.
func aclID(a kafka.ACL) string {
	fields := []string{a.ResourceType, a.PatternType, a.ResourceName, a.Principal, a.Host, a.Operation, a.Permission}
	for i, f := range fields {
		fields[i] = aclIDEscaper.Replace(f)
	}
	return strings.Join(fields, "|")
}

// parseACLID reads an import ID written by aclID.
func parseACLID(id string) (kafka.ACL, error) {
	fields := strings.Split(id, "|")
	if len(fields) != 7 {
		return kafka.ACL{}, fmt.Errorf("it has %d '|'-separated fields and needs 7", len(fields))
	}
	for i, f := range fields {
		fields[i] = aclIDUnescaper.Replace(f)
	}
	return kafka.ACL{ResourceType: fields[0], PatternType: fields[1], ResourceName: fields[2], Principal: fields[3],
		Host: fields[4], Operation: fields[5], Permission: fields[6]}, nil
}

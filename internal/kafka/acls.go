package kafka

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ACL is one ACL binding, with every enum in Kafka's canonical spelling
// (TOPIC, PREFIXED, READ, ALLOW).
type ACL struct {
	Principal    string
	Host         string
	ResourceType string
	ResourceName string
	PatternType  string
	Operation    string
	Permission   string
}

// String renders the binding the way kafka-acls.sh describes one.
func (a ACL) String() string {
	return fmt.Sprintf("(principal=%s, host=%s, operation=%s, permissionType=%s) on %s:%s:%s",
		a.Principal, a.Host, a.Operation, a.Permission, a.ResourceType, a.PatternType, a.ResourceName)
}

// ClusterResourceName is the only name a CLUSTER resource has.
const ClusterResourceName = "kafka-cluster"

// The enum values a concrete binding may use, in Kafka's spelling. ANY and
// MATCH exist only in filters and are left out.
var (
	ACLResourceTypes = []string{"TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID", "DELEGATION_TOKEN", "USER"}
	ACLPatternTypes  = []string{"LITERAL", "PREFIXED"}
	ACLOperations    = []string{"ALL", "READ", "WRITE", "CREATE", "DELETE", "ALTER", "DESCRIBE", "CLUSTER_ACTION",
		"DESCRIBE_CONFIGS", "ALTER_CONFIGS", "IDEMPOTENT_WRITE", "CREATE_TOKENS", "DESCRIBE_TOKENS"}
	ACLPermissions = []string{"ALLOW", "DENY"}
)

// Canonical returns the binding's enums in Kafka's spelling, accepting any
// case and '_', '-', '.' or none between words ("describe-configs",
// "DescribeConfigs"), and reports the first field that is not a Kafka enum.
func (a ACL) Canonical() (ACL, error) {
	rt, err := kmsg.ParseACLResourceType(a.ResourceType)
	if err != nil || !containsFold(ACLResourceTypes, rt.String()) {
		return a, fmt.Errorf("resource_type %q is not one of %s", a.ResourceType, strings.Join(ACLResourceTypes, ", "))
	}
	pt, err := kmsg.ParseACLResourcePatternType(a.PatternType)
	if err != nil || !containsFold(ACLPatternTypes, pt.String()) {
		return a, fmt.Errorf("pattern_type %q is not one of %s", a.PatternType, strings.Join(ACLPatternTypes, ", "))
	}
	op, err := kmsg.ParseACLOperation(a.Operation)
	if err != nil || !containsFold(ACLOperations, op.String()) {
		return a, fmt.Errorf("operation %q is not one of %s", a.Operation, strings.Join(ACLOperations, ", "))
	}
	perm, err := kmsg.ParseACLPermissionType(a.Permission)
	if err != nil || !containsFold(ACLPermissions, perm.String()) {
		return a, fmt.Errorf("permission %q is not one of %s", a.Permission, strings.Join(ACLPermissions, ", "))
	}
	a.ResourceType, a.PatternType, a.Operation, a.Permission = rt.String(), pt.String(), op.String(), perm.String()
	return a, nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func (a ACL) kmsgEnums() (kmsg.ACLResourceType, kmsg.ACLResourcePatternType, kmsg.ACLOperation, kmsg.ACLPermissionType, error) {
	c, err := a.Canonical()
	if err != nil {
		return 0, 0, 0, 0, err
	}
	rt, _ := kmsg.ParseACLResourceType(c.ResourceType)
	pt, _ := kmsg.ParseACLResourcePatternType(c.PatternType)
	op, _ := kmsg.ParseACLOperation(c.Operation)
	perm, _ := kmsg.ParseACLPermissionType(c.Permission)
	return rt, pt, op, perm, nil
}

// CreateACLs creates the bindings in one request. Creating a binding that
// exists already succeeds, as Kafka makes creation idempotent.
func (c *Client) CreateACLs(ctx context.Context, acls []ACL) error {
	if len(acls) == 0 {
		return nil
	}
	kcl, err := c.kgoClient(ctx)
	if err != nil {
		return err
	}
	req := kmsg.NewPtrCreateACLsRequest()
	for _, a := range acls {
		rt, pt, op, perm, err := a.kmsgEnums()
		if err != nil {
			return err
		}
		cr := kmsg.NewCreateACLsRequestCreation()
		cr.ResourceType, cr.ResourceName, cr.ResourcePatternType = rt, a.ResourceName, pt
		cr.Principal, cr.Host, cr.Operation, cr.PermissionType = a.Principal, a.Host, op, perm
		req.Creations = append(req.Creations, cr)
	}
	resp, err := req.RequestWith(ctx, kcl)
	if err != nil {
		return fmt.Errorf("creating ACLs: %w", err)
	}
	for i, r := range resp.Results {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			return fmt.Errorf("creating ACL %s: %w", acls[min(i, len(acls)-1)], withMessage(err, deref(r.ErrorMessage)))
		}
	}
	return nil
}

// DeleteACLs deletes exactly the given bindings. Bindings that do not exist
// are not an error.
func (c *Client) DeleteACLs(ctx context.Context, acls []ACL) error {
	if len(acls) == 0 {
		return nil
	}
	kcl, err := c.kgoClient(ctx)
	if err != nil {
		return err
	}
	req := kmsg.NewPtrDeleteACLsRequest()
	for _, a := range acls {
		rt, pt, op, perm, err := a.kmsgEnums()
		if err != nil {
			return err
		}
		f := kmsg.NewDeleteACLsRequestFilter()
		name, principal, host := a.ResourceName, a.Principal, a.Host
		f.ResourceType, f.ResourceName, f.ResourcePatternType = rt, &name, pt
		f.Principal, f.Host, f.Operation, f.PermissionType = &principal, &host, op, perm
		req.Filters = append(req.Filters, f)
	}
	resp, err := req.RequestWith(ctx, kcl)
	if err != nil {
		return fmt.Errorf("deleting ACLs: %w", err)
	}
	for i, r := range resp.Results {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			return fmt.Errorf("deleting ACL %s: %w", acls[min(i, len(acls)-1)], withMessage(err, deref(r.ErrorMessage)))
		}
	}
	return nil
}

// DescribeACLs returns every binding of principal, sorted, or every binding
// on the cluster when principal is empty.
func (c *Client) DescribeACLs(ctx context.Context, principal string) ([]ACL, error) {
	kcl, err := c.kgoClient(ctx)
	if err != nil {
		return nil, err
	}
	req := kmsg.NewPtrDescribeACLsRequest()
	req.ResourceType = kmsg.ACLResourceTypeAny
	req.ResourcePatternType = kmsg.ACLResourcePatternTypeAny
	req.Operation = kmsg.ACLOperationAny
	req.PermissionType = kmsg.ACLPermissionTypeAny
	if principal != "" {
		req.Principal = &principal
	}
	resp, err := req.RequestWith(ctx, kcl)
	if err != nil {
		return nil, fmt.Errorf("describing ACLs: %w", err)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, fmt.Errorf("describing ACLs: %w", withMessage(err, deref(resp.ErrorMessage)))
	}
	var out []ACL
	for _, r := range resp.Resources {
		for _, a := range r.ACLs {
			out = append(out, ACL{
				Principal: a.Principal, Host: a.Host,
				ResourceType: r.ResourceType.String(), ResourceName: r.ResourceName, PatternType: r.ResourcePatternType.String(),
				Operation: a.Operation.String(), Permission: a.PermissionType.String(),
			})
		}
	}
	SortACLs(out)
	return out, nil
}

// SortACLs orders bindings by resource, then principal, operation and the
// rest, so that lists compare and display stably.
func SortACLs(acls []ACL) {
	sort.Slice(acls, func(i, j int) bool { return aclSortKey(acls[i]) < aclSortKey(acls[j]) })
}

func aclSortKey(a ACL) string {
	return strings.Join([]string{a.ResourceType, a.PatternType, a.ResourceName, a.Principal, a.Operation, a.Permission, a.Host}, "\x00")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

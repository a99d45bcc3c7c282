package kafka

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

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

// CreateACLs creates the bindings. Creating a binding that exists already
// succeeds, as Kafka makes creation idempotent. Concurrent calls share one
// CreateACLs request.
func (c *Client) CreateACLs(ctx context.Context, acls []ACL) error {
	if len(acls) == 0 {
		return nil
	}
	for _, a := range acls {
		if _, err := a.Canonical(); err != nil {
			return err
		}
	}
	_, err := c.createACLs.do(ctx, acls)
	return err
}

func (c *Client) createACLBatch(ctx context.Context, calls [][]ACL) []batchResult[struct{}] {
	return retryRetriable(ctx, calls, c.createACLsOnce)
}

// retryRetriable sends a batch of idempotent ACL writes with send, and
// sends again, after a pause, the calls that failed with a retriable error
// (REQUEST_TIMED_OUT from a controller that may have applied them all the
// same), until they succeed, fail otherwise, or ctx ends.
func retryRetriable(ctx context.Context, calls [][]ACL, send func(context.Context, [][]ACL) []batchResult[struct{}]) []batchResult[struct{}] {
	results := make([]batchResult[struct{}], len(calls))
	pending := make([]int, len(calls))
	for i := range pending {
		pending[i] = i
	}
	for backoff := 100 * time.Millisecond; ; backoff = min(2*backoff, time.Second) {
		batch := make([][]ACL, len(pending))
		for j, i := range pending {
			batch[j] = calls[i]
		}
		var again []int
		for j, r := range send(ctx, batch) {
			results[pending[j]] = r
			if kerr.IsRetriable(r.err) {
				again = append(again, pending[j])
			}
		}
		if len(again) == 0 || !sleepCtx(ctx, backoff) {
			return results
		}
		pending = again
	}
}

func (c *Client) createACLsOnce(ctx context.Context, calls [][]ACL) []batchResult[struct{}] {
	kcl, err := c.kgoClient(ctx)
	if err != nil {
		return failAll[struct{}](len(calls), err)
	}
	req := kmsg.NewPtrCreateACLsRequest()
	for _, acls := range calls {
		for _, a := range acls {
			rt, pt, op, perm, _ := a.kmsgEnums()
			cr := kmsg.NewCreateACLsRequestCreation()
			cr.ResourceType, cr.ResourceName, cr.ResourcePatternType = rt, a.ResourceName, pt
			cr.Principal, cr.Host, cr.Operation, cr.PermissionType = a.Principal, a.Host, op, perm
			req.Creations = append(req.Creations, cr)
		}
	}
	resp, err := req.RequestWith(ctx, kcl)
	if err != nil {
		return failAll[struct{}](len(calls), fmt.Errorf("creating ACLs: %w", err))
	}
	return perCallResults(calls, len(resp.Results), func(i int) (int16, *string) {
		return resp.Results[i].ErrorCode, resp.Results[i].ErrorMessage
	}, "creating", func(done []ACL) { c.wrote(func(s *Snapshot) { s.changeACLs(done, nil) }) })
}

// perCallResults maps the per-binding results of one batched ACL request
// back to the calls that asked for them: a call fails with the first error
// among its bindings; done receives the bindings of calls that succeeded.
func perCallResults(calls [][]ACL, answered int, result func(int) (int16, *string), verb string, done func([]ACL)) []batchResult[struct{}] {
	out := make([]batchResult[struct{}], len(calls))
	i := 0
	for n, acls := range calls {
		for _, a := range acls {
			switch {
			case i >= answered:
				if out[n].err == nil {
					out[n].err = fmt.Errorf("%s ACL %s: the cluster did not answer for the binding", verb, a)
				}
			default:
				code, msg := result(i)
				if err := kerr.ErrorForCode(code); err != nil && out[n].err == nil {
					out[n].err = fmt.Errorf("%s ACL %s: %w", verb, a, withMessage(err, deref(msg)))
				}
			}
			i++
		}
		if out[n].err == nil {
			done(canonicalACLs(acls))
		}
	}
	return out
}

func canonicalACLs(acls []ACL) []ACL {
	out := make([]ACL, 0, len(acls))
	for _, a := range acls {
		if c, err := a.Canonical(); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// DeleteACLs deletes exactly the given bindings. Bindings that do not exist
// are not an error. Concurrent calls share one DeleteACLs request.
func (c *Client) DeleteACLs(ctx context.Context, acls []ACL) error {
	if len(acls) == 0 {
		return nil
	}
	for _, a := range acls {
		if _, err := a.Canonical(); err != nil {
			return err
		}
	}
	_, err := c.deleteACLs.do(ctx, acls)
	return err
}

func (c *Client) deleteACLBatch(ctx context.Context, calls [][]ACL) []batchResult[struct{}] {
	return retryRetriable(ctx, calls, c.deleteACLsOnce)
}

func (c *Client) deleteACLsOnce(ctx context.Context, calls [][]ACL) []batchResult[struct{}] {
	kcl, err := c.kgoClient(ctx)
	if err != nil {
		return failAll[struct{}](len(calls), err)
	}
	req := kmsg.NewPtrDeleteACLsRequest()
	for _, acls := range calls {
		for _, a := range acls {
			rt, pt, op, perm, _ := a.kmsgEnums()
			f := kmsg.NewDeleteACLsRequestFilter()
			name, principal, host := a.ResourceName, a.Principal, a.Host
			f.ResourceType, f.ResourceName, f.ResourcePatternType = rt, &name, pt
			f.Principal, f.Host, f.Operation, f.PermissionType = &principal, &host, op, perm
			req.Filters = append(req.Filters, f)
		}
	}
	resp, err := req.RequestWith(ctx, kcl)
	if err != nil {
		return failAll[struct{}](len(calls), fmt.Errorf("deleting ACLs: %w", err))
	}
	return perCallResults(calls, len(resp.Results), func(i int) (int16, *string) {
		return resp.Results[i].ErrorCode, resp.Results[i].ErrorMessage
	}, "deleting", func(done []ACL) { c.wrote(func(s *Snapshot) { s.changeACLs(nil, done) }) })
}

// DescribeACLs returns every binding of principal, sorted, or every binding
// on the cluster when principal is empty. It asks the cluster afresh.
func (c *Client) DescribeACLs(ctx context.Context, principal string) ([]ACL, error) {
	if principal == "" {
		acls, err := c.allACLs.get(ctx)
		return slices.Clone(acls), err
	}
	return c.describeACLs(ctx, &principal)
}

// describeAllACLs returns every binding on the cluster.
func (c *Client) describeAllACLs(ctx context.Context) ([]ACL, error) {
	return c.describeACLs(ctx, nil)
}

func (c *Client) describeACLs(ctx context.Context, principal *string) ([]ACL, error) {
	req := kmsg.NewPtrDescribeACLsRequest()
	req.ResourceType = kmsg.ACLResourceTypeAny
	req.ResourcePatternType = kmsg.ACLResourcePatternTypeAny
	req.Operation = kmsg.ACLOperationAny
	req.PermissionType = kmsg.ACLPermissionTypeAny
	req.Principal = principal
	raw, err := c.read(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("describing ACLs: %w", err)
	}
	resp := raw.(*kmsg.DescribeACLsResponse)
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

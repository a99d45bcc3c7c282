package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// ErrReassignmentIgnored reports a cluster that accepted a reassignment
// without error but never applied it. Real Kafka applies or fails; the
// embedded kfake cluster accepts and ignores reassignments.
var ErrReassignmentIgnored = errors.New("the cluster accepted the partition reassignment but did not apply it")

// SetReplicationFactor changes the topic's replication factor in place by
// partition reassignment (KIP-455) and waits until every partition carries
// rf replicas. Replicas are added to the brokers holding the fewest of the
// topic's replicas and removed from the end of each list, so the current
// leader always stays.
func (c *Client) SetReplicationFactor(ctx context.Context, name string, rf int16) error {
	adm, err := c.admin(ctx)
	if err != nil {
		return err
	}
	c.dropFirstMetadata()
	d, err := c.DescribeTopic(ctx, name)
	if err != nil {
		return err
	}
	brokers, err := c.Brokers(ctx)
	if err != nil {
		return err
	}
	if int(rf) > len(brokers) {
		return fmt.Errorf("replication factor %d needs %d brokers and the cluster has %d", rf, rf, len(brokers))
	}
	plan := PlanReassignment(d.Replicas, brokers, int(rf))
	if len(plan) == 0 {
		return nil
	}
	req := make(kadm.AlterPartitionAssignmentsReq)
	for p, replicas := range plan {
		req.Assign(name, p, replicas)
	}
	resps, err := adm.AlterPartitionAssignments(ctx, req)
	if err != nil {
		return fmt.Errorf("reassigning partitions of topic %q: %w", name, err)
	}
	var partErr error
	resps.Each(func(r kadm.AlterPartitionAssignmentsResponse) {
		if r.Err != nil && partErr == nil {
			partErr = fmt.Errorf("reassigning partition %d of topic %q: %w", r.Partition, name, withMessage(r.Err, r.ErrMessage))
		}
	})
	if partErr != nil {
		return partErr
	}
	return c.awaitReassignment(ctx, adm, name, plan)
}

// awaitReassignment polls until no reassignment of the topic is in
// progress, then checks the replicas took the planned shape.
func (c *Client) awaitReassignment(ctx context.Context, adm *kadm.Client, name string, plan map[int32][]int32) error {
	set := make(kadm.TopicsSet)
	for p := range plan {
		set.Add(name, p)
	}
	backoff := 100 * time.Millisecond
	for {
		inProgress, err := adm.ListPartitionReassignments(ctx, set)
		if err != nil {
			return fmt.Errorf("listing reassignments of topic %q: %w", name, err)
		}
		if len(inProgress[name]) == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the reassignment of topic %q (%d partitions still moving): %w", name, len(inProgress[name]), ctx.Err())
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
	// Metadata can lag the controller briefly after the reassignment ends.
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := c.DescribeTopic(ctx, name)
		if err != nil {
			return err
		}
		if replicasMatch(d.Replicas, plan) {
			return nil
		}
		if time.Now().After(deadline) {
			var first []int32
			if len(d.Replicas) > 0 {
				first = d.Replicas[0]
			}
			return fmt.Errorf("topic %q: %w (partition 0 still lists replicas %v)", name, ErrReassignmentIgnored, first)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func replicasMatch(current [][]int32, plan map[int32][]int32) bool {
	for p, want := range plan {
		if int(p) >= len(current) {
			return false
		}
		got, w := slices.Clone(current[p]), slices.Clone(want)
		slices.Sort(got)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			return false
		}
	}
	return true
}

// PlanReassignment returns the new replica list of every partition whose
// replica count differs from rf, given each partition's replicas at its
// index. Growing appends the live brokers that hold the fewest of the
// topic's replicas (lowest ID first on ties); shrinking drops replicas from
// the end, so the first replica, the preferred leader, stays. A partition
// with no replica listed (missing from the metadata) is left alone.
func PlanReassignment(replicas [][]int32, brokers []int32, rf int) map[int32][]int32 {
	load := make(map[int32]int, len(brokers))
	for _, b := range brokers {
		load[b] = 0
	}
	// Only live brokers are keys of load, so a replica still listed on a
	// broker that left the cluster never makes that broker a candidate.
	partitions := make([]int32, 0, len(replicas))
	for p, rs := range replicas {
		if len(rs) == 0 {
			continue
		}
		partitions = append(partitions, int32(p))
		for _, b := range rs {
			if _, live := load[b]; live {
				load[b]++
			}
		}
	}

	plan := make(map[int32][]int32)
	for _, p := range partitions {
		current := replicas[p]
		switch {
		case len(current) > rf:
			kept := append([]int32(nil), current[:rf]...)
			for _, b := range current[rf:] {
				if _, live := load[b]; live {
					load[b]--
				}
			}
			plan[p] = kept
		case len(current) < rf:
			next := append([]int32(nil), current...)
			for len(next) < rf {
				b, ok := leastLoaded(load, next)
				if !ok {
					break
				}
				next = append(next, b)
				load[b]++
			}
			plan[p] = next
		}
	}
	return plan
}

func leastLoaded(load map[int32]int, exclude []int32) (int32, bool) {
	best, found := int32(0), false
	for b, n := range load {
		if slices.Contains(exclude, b) {
			continue
		}
		if !found || n < load[best] || (n == load[best] && b < best) {
			best, found = b, true
		}
	}
	return best, found
}

package kafka

import "time"

// SetSnapshotConfigTopics lowers the most topics whose configs a snapshot
// of c loads up front, so that tests reach the large-cluster path with a
// few topics.
func SetSnapshotConfigTopics(c *Client, n int) { c.snapshotConfigTopics = n }

// SetRegistryWindow sets how long a fresh read of c's registry waits for
// other callers before it begins.
func SetRegistryWindow(c *Client, d time.Duration) { c.reg.window = d }

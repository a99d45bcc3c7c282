package kafka

// SetSnapshotConfigTopics lowers the most topics whose configs a snapshot
// of c loads up front, so that tests reach the large-cluster path with a
// few topics.
func SetSnapshotConfigTopics(c *Client, n int) { c.snapshotConfigTopics = n }

package kafka

import (
	"testing"
)

func loadedForTest(c *Client, topics ...string) *Snapshot {
	s := &Snapshot{c: c, topics: map[string]TopicDescription{}, configsKnown: map[string]bool{}}
	for _, name := range topics {
		s.topics[name] = TopicDescription{Name: name, Partitions: 1}
	}
	c.snap = s
	return s
}

func snapshotTopics(s *Snapshot) map[string]bool {
	out := map[string]bool{}
	for name := range s.TopicPartitions() {
		out[name] = true
	}
	return out
}

// A read that started before a write of this client and ended after it
// answers for the cluster before the write: what it saw is put, and the
// write applied again over it, so a deleted topic stays deleted and a
// created one stays created.
func TestJournal_readOlderThanAWriteKeepsTheWrite(t *testing.T) {
	c := &Client{}
	s := loadedForTest(c, "gone")
	mark := c.startRead()
	c.wrote(func(s *Snapshot) { s.removeTopic("gone") })
	c.wrote(func(s *Snapshot) { s.putTopic(TopicDescription{Name: "new", Partitions: 1}) })
	if got := snapshotTopics(s); got["gone"] || !got["new"] {
		t.Fatalf("after the writes the snapshot holds %v, want new and not gone", got)
	}
	stale := map[string]TopicDescription{"gone": {Name: "gone", Partitions: 1}, "other": {Name: "other", Partitions: 1}}
	c.endRead(mark, func(s *Snapshot) { s.seenTopics([]string{"gone", "new", "other"}, stale) })
	if got := snapshotTopics(s); got["gone"] || !got["new"] || !got["other"] {
		t.Errorf("after a read older than the writes the snapshot holds %v, want new and other, not gone", got)
	}
	if len(c.journal.kept) != 0 || len(c.journal.reading) != 0 {
		t.Errorf("with no read under way the journal keeps %d writes and %d reads, want none", len(c.journal.kept), len(c.journal.reading))
	}
}

// A read that started after a write is newer than it: the write is not
// applied over what the read saw.
func TestJournal_readNewerThanAWriteWins(t *testing.T) {
	c := &Client{}
	s := loadedForTest(c)
	older := c.startRead()
	c.wrote(func(s *Snapshot) { s.putTopic(TopicDescription{Name: "t", Partitions: 1}) })
	newer := c.startRead()
	// Another process deleted t; the newer read saw that.
	c.endRead(newer, func(s *Snapshot) { s.seenTopics([]string{"t"}, nil) })
	if got := snapshotTopics(s); got["t"] {
		t.Errorf("after a read newer than the write the snapshot holds %v, want t gone", got)
	}
	if len(c.journal.kept) != 1 {
		t.Errorf("with an older read under way the journal keeps %d writes, want 1", len(c.journal.kept))
	}
	c.endRead(older, nil)
	if len(c.journal.kept) != 0 || len(c.journal.reading) != 0 {
		t.Errorf("with no read under way the journal keeps %d writes and %d reads, want none", len(c.journal.kept), len(c.journal.reading))
	}
}

// Writes made while no snapshot is loaded and no read is under way are
// not kept: the load that comes later reads the cluster after them.
func TestJournal_keepsNothingWithoutReads(t *testing.T) {
	c := &Client{}
	for range 3 {
		c.wrote(func(s *Snapshot) { s.removeTopic("x") })
	}
	if len(c.journal.kept) != 0 {
		t.Errorf("the journal keeps %d writes with no read under way, want none", len(c.journal.kept))
	}
}

package kafka

import (
	"context"
	"sync"
)

// snapshotJournal orders what reaches the snapshot. A read answers for the
// moment the cluster served it, and a write of this client may finish
// while a read is under way: a snapshot load that saw a topic this client
// deleted meanwhile would hold it until the process ends, and so would a
// fresh read that put it back. A plan then counted the deleted topic
// against its tenant's budget until it gave up.
//
// So a write is kept while any read that started before it is under way,
// and a read puts what it saw and then applies again the writes that
// finished after it started. A write applied twice changes nothing more,
// as every change sets or removes named objects.
type snapshotJournal struct {
	mu sync.Mutex
	// writes counts the writes so far; a read is marked with the count at
	// its start.
	writes uint64
	// kept holds the writes that some read under way started before, in
	// order.
	kept []journaledWrite
	// reading counts the reads under way by their mark.
	reading map[uint64]int
}

type journaledWrite struct {
	seq    uint64
	change func(*Snapshot)
}

// wrote applies to the snapshot a change this client made on the cluster,
// and keeps it for the reads under way.
func (c *Client) wrote(change func(*Snapshot)) {
	j := &c.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	j.writes++
	if len(j.reading) > 0 {
		j.kept = append(j.kept, journaledWrite{seq: j.writes, change: change})
	}
	if s := c.loadedSnapshot(); s != nil {
		change(s)
	}
}

// startRead notes a read of the cluster under way and returns its mark,
// which the caller passes to endRead once the read is over, failed or not.
func (c *Client) startRead() uint64 {
	j := &c.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.reading == nil {
		j.reading = map[uint64]int{}
	}
	j.reading[j.writes]++
	return j.writes
}

// endRead ends the read marked mark. put, when not nil, records what the
// read saw in the loaded snapshot, and the writes that finished since the
// read started are applied again over it. With no snapshot loaded, what
// the read saw is left out: the load under way reads it too.
func (c *Client) endRead(mark uint64, put func(*Snapshot)) {
	j := &c.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	if s := c.loadedSnapshot(); s != nil && put != nil {
		put(s)
		j.replay(mark, s)
	}
	j.done(mark)
}

// publish makes s, loaded by the read marked mark, the client's snapshot,
// with the writes that finished during the load applied.
func (c *Client) publish(mark uint64, s *Snapshot) {
	j := &c.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	j.replay(mark, s)
	c.snapMu.Lock()
	c.snap = s
	c.snapMu.Unlock()
	j.done(mark)
}

func (j *snapshotJournal) replay(mark uint64, s *Snapshot) {
	for _, w := range j.kept {
		if w.seq > mark {
			w.change(s)
		}
	}
}

// done forgets the read marked mark, and the writes no read under way
// needs any more.
func (j *snapshotJournal) done(mark uint64) {
	j.reading[mark]--
	if j.reading[mark] == 0 {
		delete(j.reading, mark)
	}
	if len(j.reading) == 0 {
		j.kept = nil
		return
	}
	oldest := j.writes
	for m := range j.reading {
		oldest = min(oldest, m)
	}
	i := 0
	for i < len(j.kept) && j.kept[i].seq <= oldest {
		i++
	}
	j.kept = j.kept[i:]
}

// readInto runs read as a read of the journal and records its answer in
// the loaded snapshot with put.
func readInto[T any](ctx context.Context, c *Client, read func(context.Context) (T, error), put func(*Snapshot, T)) (T, error) {
	mark := c.startRead()
	v, err := read(ctx)
	if err != nil {
		c.endRead(mark, nil)
		return v, err
	}
	c.endRead(mark, func(s *Snapshot) { put(s, v) })
	return v, nil
}

// Package ids keeps, for the SQL stores, the ids of table paths and texts
// that committed transactions read or wrote, so that a later batch does not
// look them up again.
package ids

import gosync "sync"

// MaxCached bounds the ids of texts and of table paths kept between
// transactions; past it the map starts again empty.
const MaxCached = 1 << 16

// Committed holds the ids of table paths and texts that committed
// transactions read or wrote. Rows of either are never deleted, so an id,
// once committed, stays right, whichever process or server wrote it. The
// zero value is ready to use.
type Committed struct {
	mu           gosync.Mutex
	paths, texts map[string]int64
}

// Lookup returns the committed id of key among the table paths (paths
// true) or the texts.
func (c *Committed) Lookup(paths bool, key string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.texts
	if paths {
		m = c.paths
	}
	id, ok := m[key]
	return id, ok
}

// Keep adds the ids a transaction that committed saw.
func (c *Committed) Keep(paths, texts map[string]int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paths == nil || len(c.paths)+len(paths) > MaxCached {
		c.paths = map[string]int64{}
	}
	if c.texts == nil || len(c.texts)+len(texts) > MaxCached {
		c.texts = map[string]int64{}
	}
	for k, v := range paths {
		c.paths[k] = v
	}
	for k, v := range texts {
		c.texts[k] = v
	}
}

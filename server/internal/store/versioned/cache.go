package versioned

import (
	"container/list"
	"sync"
)

// Version tags what a Cache holds: the versions of the documents it was
// derived from (a thread's version and post count, a listing's version).
type Version [2]int64

// Cache keeps values derived from versioned documents, tagged with the
// versions they were read at, in an LRU bounded by an estimate of their
// size. It is shared by every view of an instance.
type Cache struct {
	mu    sync.Mutex
	ll    *list.List // front: most recently used
	m     map[string]*list.Element
	bytes int64
	max   int64
}

type item struct {
	key     string
	version Version
	size    int64
	val     any
}

// NewCache returns a cache holding about max bytes.
func NewCache(max int64) *Cache {
	return &Cache{ll: list.New(), m: map[string]*list.Element{}, max: max}
}

// Get returns what is kept for key if it was derived at version.
func (c *Cache) Get(key string, version Version) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil, false
	}
	it := e.Value.(*item)
	if it.version != version {
		return nil, false
	}
	c.ll.MoveToFront(e)
	return it.val, true
}

// Put keeps val, of about size bytes, for key at version, unless a newer
// version is kept already (read concurrently) or val would take more than a
// quarter of the cache. It evicts the least recently used beyond the bound.
func (c *Cache) Put(key string, version Version, val any, size int64) {
	if size > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		it := e.Value.(*item)
		if it.version[0] > version[0] || it.version[1] > version[1] {
			return
		}
		c.bytes += size - it.size
		it.version, it.size, it.val = version, size, val
		c.ll.MoveToFront(e)
	} else {
		c.m[key] = c.ll.PushFront(&item{key: key, version: version, size: size, val: val})
		c.bytes += size
	}
	for c.bytes > c.max && c.ll.Len() > 1 {
		e := c.ll.Back()
		it := e.Value.(*item)
		c.ll.Remove(e)
		delete(c.m, it.key)
		c.bytes -= it.size
	}
}

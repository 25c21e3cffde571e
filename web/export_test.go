package web

import "github.com/jxsync/jxsync/store"

// NewMemLimits exposes the in-memory store.Limits to the tests.
func NewMemLimits() store.Limits { return newMemLimits() }

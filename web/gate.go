package web

import (
	"bytes"
	"context"
	"net/http"
	"time"
)

// gate lets a bounded number of requests do one kind of work at once;
// the others wait for a turn up to a timeout.
type gate struct {
	slots chan struct{}
	wait  time.Duration
}

func newGate(n int, wait time.Duration) *gate {
	return &gate{slots: make(chan struct{}, n), wait: wait}
}

// errBusy refuses a request that found no turn within the queue timeout.
func errBusy(wait time.Duration) error {
	return &retryError{http.StatusServiceUnavailable, "服务器繁忙，请稍后再试 (server busy; try again later)", wait}
}

// enter waits for a turn until deadline and returns the function that
// gives it back; errBusy when none came, ctx's error when it ended first.
func (g *gate) enter(ctx context.Context, deadline time.Time) (func(), error) {
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	default:
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	case <-t.C:
		return nil, errBusy(g.wait)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *gate) leave() { <-g.slots }

// oleMagic starts a legacy (OLE2 compound) .xls file.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0}

// reading waits for a turn to read the workbook data (a legacy .xls also
// for one of the conversions' turns, first) and returns the function that
// gives the turns back. Waiting takes at most the queue timeout in all.
func (s *Server) reading(ctx context.Context, data []byte) (func(), error) {
	deadline := time.Now().Add(s.reads.wait)
	var done []func()
	release := func() {
		for i := len(done) - 1; i >= 0; i-- {
			done[i]()
		}
	}
	gates := []*gate{s.reads}
	if bytes.HasPrefix(data, oleMagic) {
		gates = []*gate{s.legacy, s.reads}
	}
	for _, g := range gates {
		leave, err := g.enter(ctx, deadline)
		if err != nil {
			release()
			return nil, err
		}
		done = append(done, leave)
	}
	return release, nil
}

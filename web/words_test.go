package web

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/jxsync/jxsync/sync"
)

// TestStatusOfReviewErrors: review refusals read without the operation
// prefixes they were wrapped in; Chinese text and file names stay.
func TestStatusOfReviewErrors(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		want   string
	}{
		{fmt.Errorf("review revision 2: review: 不能审核本单位自己的填报: %w", sync.ErrForbidden), http.StatusForbidden,
			"不能审核本单位自己的填报: " + sync.ErrForbidden.Error()},
		{fmt.Errorf("review revision 2: 部门已审核通过，等待财政审核: %w", sync.ErrNotReviewable), http.StatusConflict,
			"部门已审核通过，等待财政审核"},
		{fmt.Errorf("upload a.xlsx: 工作表“表”是其他单位的: %w", sync.ErrForbidden), http.StatusForbidden,
			"upload a.xlsx: 工作表“表”是其他单位的: " + sync.ErrForbidden.Error()},
	} {
		status, msg := statusOf(c.err)
		if status != c.status || msg != c.want {
			t.Errorf("%v: %d %q, want %d %q", c.err, status, msg, c.status, c.want)
		}
	}
	if got := withoutOps("plain"); got != "plain" {
		t.Errorf("no prefix: %q", got)
	}
}

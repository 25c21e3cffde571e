package sync

import (
	"testing"

	"github.com/jxsync/jxsync/store"
)

func TestSubmissionState(t *testing.T) {
	valid := &store.Revision{ID: 2, Status: store.StatusWarnings}
	bad := &store.Revision{ID: 3, Status: store.StatusRejected}
	rev := func(id int64, level, status string) *store.Review {
		return &store.Review{Revision: id, Level: level, Status: status}
	}
	for _, c := range []struct {
		name    string
		latest  *store.Revision
		reviews []*store.Review
		want    string
	}{
		{"no revision", nil, nil, StateMissing},
		{"rejected", bad, nil, StateErrors},
		{"valid", valid, nil, StateSubmitted},
		{"dept accepted", valid, []*store.Review{rev(2, store.LevelDepartment, store.ReviewAccepted)}, StateDeptAccepted},
		{"dept returned", valid, []*store.Review{rev(2, store.LevelDepartment, store.ReviewReturned)}, StateDeptReturned},
		{"bureau after dept", valid, []*store.Review{rev(2, store.LevelDepartment, store.ReviewAccepted), rev(2, store.LevelBureau, store.ReviewAccepted)}, StateAccepted},
		{"bureau returned", valid, []*store.Review{rev(2, store.LevelDepartment, store.ReviewAccepted), rev(2, store.LevelBureau, store.ReviewReturned)}, StateReturned},
		{"old level empty is bureau", valid, []*store.Review{rev(2, "", store.ReviewAccepted)}, StateAccepted},
		{"review of an earlier revision", valid, []*store.Review{rev(1, store.LevelBureau, store.ReviewReturned)}, StateSubmitted},
		{"re-upload after return with errors", bad, []*store.Review{rev(2, store.LevelBureau, store.ReviewReturned)}, StateErrors},
	} {
		if got, _ := SubmissionState(c.latest, c.reviews); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	if StateWord(StateDeptReturned) != "部门退回" || StateWord(StateAccepted) != "财政审核通过" {
		t.Error("words")
	}
}

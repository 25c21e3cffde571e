package sync

import "github.com/jxsync/jxsync/store"

// Submission states, the same keys everywhere (CLI, views, portal, report);
// people read the words of StateWord.
const (
	// StateMissing (未提交): a unit owes the form and has not uploaded it.
	StateMissing = "missing"
	// StateErrors (有错误): the latest revision failed validation; it cannot
	// be submitted.
	StateErrors = "errors"
	// StateSubmitted (已提交): the latest revision passed validation and
	// awaits review.
	StateSubmitted = "submitted"
	// StateDeptAccepted (部门审核通过): the unit's department accepted the
	// latest revision; it awaits the bureau.
	StateDeptAccepted = "dept_accepted"
	// StateDeptReturned (部门退回): the department sent it back.
	StateDeptReturned = "dept_returned"
	// StateAccepted (财政审核通过): the bureau accepted the latest revision.
	StateAccepted = "accepted"
	// StateReturned (财政退回): the bureau sent it back.
	StateReturned = "returned"
)

// States lists the states in the order of the chain.
var States = []string{StateMissing, StateErrors, StateSubmitted, StateDeptAccepted, StateDeptReturned, StateAccepted, StateReturned}

// StateWord returns the Chinese word people read for a state.
func StateWord(state string) string {
	switch state {
	case StateMissing:
		return "未提交"
	case StateErrors:
		return "有错误"
	case StateSubmitted:
		return "已提交"
	case StateDeptAccepted:
		return "部门审核通过"
	case StateDeptReturned:
		return "部门退回"
	case StateAccepted:
		return "财政审核通过"
	case StateReturned:
		return "财政退回"
	}
	return state
}

// SubmissionState returns the state of a submission from its latest
// revision and its reviews (oldest first), and the review that decided it
// (nil when none): only a review of the latest revision counts, so a unit's
// next upload starts the chain again.
func SubmissionState(latest *store.Revision, reviews []*store.Review) (string, *store.Review) {
	if latest == nil {
		return StateMissing, nil
	}
	var last *store.Review
	for _, r := range reviews {
		if r.Revision == latest.ID {
			last = r
		}
	}
	if last != nil {
		switch {
		case last.Level == store.LevelDepartment && last.Status == store.ReviewAccepted:
			return StateDeptAccepted, last
		case last.Level == store.LevelDepartment && last.Status == store.ReviewReturned:
			return StateDeptReturned, last
		case last.Status == store.ReviewAccepted:
			return StateAccepted, last
		case last.Status == store.ReviewReturned:
			return StateReturned, last
		}
	}
	if latest.Status == store.StatusRejected {
		return StateErrors, nil
	}
	return StateSubmitted, nil
}

package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jxsync/jxsync/store"
)

// Errors of the review chain.
var (
	// ErrNeedsConfirm means accepting a form with warnings needs a
	// confirmation.
	ErrNeedsConfirm = errors.New("该表有警告，确认通过？ (the form has warnings: confirm to accept)")
	// ErrNeedsComment means a return needs a comment.
	ErrNeedsComment = errors.New("退回时请填写审核意见 (a return needs a comment)")
	// ErrNotReviewable means the submission is not in a state the account
	// may review now (errors, reviewed already, waiting for another level,
	// or a revision that is no longer the latest).
	ErrNotReviewable = errors.New("not reviewable now")
)

// Review chain, for people to read.
//
// A submission whose unit has a department (UnitTree.Department) is
// reviewed twice: first by a department account — of its department or of
// any department above that one (a 主管部门 reviews for its 二级单位 too),
// never the bureau's level — then by the bureau. Units without a department
// (at the top, directly under the bureau, a department's own forms, units
// created from typed names without a registry) are reviewed by the bureau
// alone. The bureau cannot skip the department: a unit's department must
// have accepted first. Each level decides once per revision; the unit's
// next upload starts the chain again.

// ReviewLevel returns the level at which the account may review now the
// submission whose latest revision is latest and whose state is state
// (SubmissionState): store.LevelDepartment or store.LevelBureau. Errors
// (in Chinese, saying why) wrap ErrForbidden (not a reviewer of that unit)
// or ErrNotReviewable (not in a state to review at that level).
func (a *Access) ReviewLevel(latest *store.Revision, state string) (string, error) {
	u := a.User
	if u == nil || u.Disabled || latest == nil || !a.CanSee(latest) {
		return "", ErrForbidden
	}
	if latest.SubmissionID == 0 {
		return "", fmt.Errorf("review: 无法确定单位或年度的修订不能审核 (a revision of no submission cannot be reviewed): %w", ErrNotReviewable)
	}
	if state == StateErrors {
		return "", fmt.Errorf("review: 该表校验有错误，不能审核，须由单位改正后重新上传 (the form has errors and cannot be reviewed): %w", ErrNotReviewable)
	}
	if state == StateMissing {
		return "", fmt.Errorf("review: 该单位尚未提交 (not submitted): %w", ErrNotReviewable)
	}
	dept := a.Tree.Department(latest.UnitCode)
	switch u.Role {
	case store.RoleDepartment:
		if a.Owns(latest) {
			return "", fmt.Errorf("review: 不能审核本单位自己的填报，它由财政审核 (a department cannot review its own forms): %w", ErrForbidden)
		}
		if dept == "" || a.Unit == "" || a.Tree.IsBureau(a.Unit) || !a.Tree.Contains(a.Unit, dept) {
			return "", fmt.Errorf("review: “%s”的填报不由本部门审核 (not this department's unit): %w", latest.Unit, ErrForbidden)
		}
		switch state {
		case StateSubmitted:
			return store.LevelDepartment, nil
		case StateDeptAccepted:
			return "", fmt.Errorf("review: 部门已审核通过，等待财政审核 (accepted by the department already): %w", ErrNotReviewable)
		case StateDeptReturned:
			return "", fmt.Errorf("review: 部门已退回，等待单位重新上传 (returned by the department; waiting for a new upload): %w", ErrNotReviewable)
		}
		return "", fmt.Errorf("review: 财政已审核（%s），部门不能再审核 (reviewed by the bureau already): %w", StateWord(state), ErrNotReviewable)
	case store.RoleBureau:
		switch {
		case state == StateDeptAccepted, state == StateSubmitted && dept == "":
			return store.LevelBureau, nil
		case state == StateSubmitted:
			name := dept
			if d := a.Tree.Unit(dept); d != nil {
				name = d.Name
			}
			return "", fmt.Errorf("review: 该单位的填报须先经主管部门（%s）审核通过 (the department reviews first): %w", name, ErrNotReviewable)
		case state == StateDeptReturned:
			return "", fmt.Errorf("review: 主管部门已退回，等待单位重新上传 (returned by the department; waiting for a new upload): %w", ErrNotReviewable)
		}
		return "", fmt.Errorf("review: 财政已审核（%s），等待单位重新上传 (reviewed already): %w", StateWord(state), ErrNotReviewable)
	}
	return "", ErrForbidden
}

// CanReview reports whether the account may review now the submission of
// latest in state.
func (a *Access) CanReview(latest *store.Revision, state string) bool {
	_, err := a.ReviewLevel(latest, state)
	return err == nil
}

// StateOf returns the state of the submission whose latest revision is
// latest, with the review that decided it (nil when none).
func (s *Service) StateOf(ctx context.Context, latest *store.Revision) (string, *store.Review, error) {
	if latest == nil || latest.SubmissionID == 0 {
		st, r := SubmissionState(latest, nil)
		return st, r, nil
	}
	reviews, err := s.Users.Reviews(ctx, latest.SubmissionID)
	if err != nil {
		return "", nil, err
	}
	st, r := SubmissionState(latest, reviews)
	return st, r, nil
}

// Review records u's decision (store.ReviewAccepted or ReviewReturned) on
// a revision, which must be its submission's latest: a department's first
// (部门审核), then the bureau's (财政审核), as ReviewLevel says. A return
// needs a comment (ErrNeedsComment); accepting a form with warnings needs
// confirm (ErrNeedsConfirm). Errors: store.ErrNotFound for a revision u
// may not see, ErrForbidden and ErrNotReviewable as ReviewLevel.
func (s *Service) Review(ctx context.Context, u *store.User, revision int64, status, comment string, confirm bool) (*store.Review, error) {
	if u == nil || u.Role != store.RoleBureau && u.Role != store.RoleDepartment {
		return nil, ErrForbidden
	}
	if status != store.ReviewAccepted && status != store.ReviewReturned {
		return nil, fmt.Errorf("review: status must be accepted or returned, got %q", status)
	}
	comment = strings.TrimSpace(comment)
	if status == store.ReviewReturned && comment == "" {
		return nil, fmt.Errorf("review revision %d: %w", revision, ErrNeedsComment)
	}
	a, err := s.AccessOf(ctx, u)
	if err != nil {
		return nil, err
	}
	rev, err := s.Records.Revision(ctx, revision)
	if err != nil {
		return nil, err
	}
	if !a.CanSee(rev) {
		return nil, fmt.Errorf("review revision %d: %w", revision, store.ErrNotFound)
	}
	if rev.SubmissionID == 0 {
		return nil, fmt.Errorf("review revision %d: 无法确定单位或年度的修订不能审核 (a revision of no submission cannot be reviewed): %w", revision, ErrNotReviewable)
	}
	latest, err := s.Records.LatestOf(ctx, rev.SubmissionID)
	if err != nil {
		return nil, err
	}
	if latest.ID != rev.ID {
		return nil, fmt.Errorf("review revision %d: 单位已上传更新的修订 %d，请查看后再审核 (not the latest revision): %w", revision, latest.ID, ErrNotReviewable)
	}
	state, _, err := s.StateOf(ctx, latest)
	if err != nil {
		return nil, err
	}
	level, err := a.ReviewLevel(latest, state)
	if err != nil {
		return nil, fmt.Errorf("%w (revision %d)", err, revision)
	}
	if status == store.ReviewAccepted && latest.Status == store.StatusWarnings && !confirm {
		return nil, fmt.Errorf("review revision %d: %w", revision, ErrNeedsConfirm)
	}
	r := &store.Review{Submission: latest.SubmissionID, Revision: latest.ID, Status: status, Level: level, Comment: comment, By: u.Name}
	if err := s.Users.AddReview(ctx, r); err != nil {
		return nil, err
	}
	detail := level + " " + status
	if comment != "" {
		detail += ": " + comment
	}
	if err := s.Record(ctx, UserActor(ctx, u), store.ActionReview, latest.UnitCode, latest.ID, detail); err != nil {
		return r, err
	}
	return r, nil
}

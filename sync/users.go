package sync

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	gosync "sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
)

// Errors of accounts and access.
var (
	// ErrBadLogin means the name or password is wrong (which one is not said).
	ErrBadLogin = errors.New("用户名或密码错误 (wrong name or password)")
	// ErrDisabled means the account is disabled.
	ErrDisabled = errors.New("账号已停用 (account disabled)")
	// ErrForbidden means the user may not see or change that.
	ErrForbidden = errors.New("无权访问 (forbidden)")
	// ErrWeakPassword means a password is too short.
	ErrWeakPassword = errors.New("密码至少8位 (password must have at least 8 characters)")
)

// SessionTTL is how long a sign-in lasts.
const SessionTTL = 12 * time.Hour

// AddUser creates an account with a bcrypt-hashed password. An agency
// account needs its unit's name.
func (s *Service) AddUser(ctx context.Context, name, role, unit, password string) error {
	switch {
	case name == "":
		return errors.New("add user: name: must not be empty")
	case role != store.RoleAgency && role != store.RoleBureau:
		return fmt.Errorf("add user %s: role: must be agency or bureau, got %q", name, role)
	case role == store.RoleAgency && unit == "":
		return fmt.Errorf("add user %s: unit: an agency account needs its unit", name)
	case len(password) < 8:
		return fmt.Errorf("add user %s: %w", name, ErrWeakPassword)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("add user %s: %w", name, err)
	}
	if role == store.RoleBureau {
		unit = ""
	}
	return s.Users.AddUser(ctx, &store.User{Name: name, Role: role, Unit: unit, PasswordHash: string(hash)})
}

// ResetPassword sets a new password.
func (s *Service) ResetPassword(ctx context.Context, name, password string) error {
	if len(password) < 8 {
		return fmt.Errorf("reset password %s: %w", name, ErrWeakPassword)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("reset password %s: %w", name, err)
	}
	return s.Users.SetPassword(ctx, name, string(hash))
}

// Authenticate checks a name and password. Errors: ErrBadLogin, ErrDisabled.
func (s *Service) Authenticate(ctx context.Context, name, password string) (*store.User, error) {
	u, err := s.Users.User(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		// Spend the same time as a real check, so names cannot be probed.
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return nil, ErrBadLogin
	}
	if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return nil, ErrBadLogin
	}
	if u.Disabled {
		return nil, ErrDisabled
	}
	return u, nil
}

// NewSession signs u in and returns the cookie token and the session (with
// its CSRF token). Only the token's hash is stored.
func (s *Service) NewSession(ctx context.Context, u *store.User) (string, *store.Session, error) {
	token, csrf := randomToken(), randomToken()
	sess := &store.Session{TokenHash: store.Hash([]byte(token)), User: u.Name, CSRF: csrf, ExpiresAt: time.Now().Add(SessionTTL)}
	if err := s.Users.AddSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// SessionUser returns the user and session of a cookie token. Errors:
// store.ErrNotFound (no such or expired session), ErrDisabled.
func (s *Service) SessionUser(ctx context.Context, token string) (*store.User, *store.Session, error) {
	sess, err := s.Users.Session(ctx, store.Hash([]byte(token)))
	if err != nil {
		return nil, nil, err
	}
	u, err := s.Users.User(ctx, sess.User)
	if err != nil {
		return nil, nil, err
	}
	if u.Disabled {
		return nil, nil, ErrDisabled
	}
	return u, sess, nil
}

// EndSession signs a cookie token out.
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.Users.DeleteSession(ctx, store.Hash([]byte(token)))
}

// CanSee reports whether u may read (and, for an agency, write) a
// revision: bureau staff see all, an agency its own unit's and the
// unidentified ones it uploaded itself.
func CanSee(u *store.User, rev *store.Revision) bool {
	if u == nil || rev == nil || u.Disabled {
		return false
	}
	if u.Role == store.RoleBureau {
		return true
	}
	if u.Role != store.RoleAgency {
		return false
	}
	// An agency sees its unit's revisions, and those it uploaded that
	// could not be filed under any unit (to see why and fix them).
	return rev.Unit != "" && rev.Unit == u.Unit || rev.SubmissionID == 0 && rev.Unit == "" && rev.UploadedBy != "" && rev.UploadedBy == u.Name
}

// RevisionFor returns a revision if u may see it. Errors: store.ErrNotFound
// (also when it belongs to another unit, so ids cannot be probed).
func (s *Service) RevisionFor(ctx context.Context, u *store.User, id int64) (*store.Revision, error) {
	rev, err := s.Records.Revision(ctx, id)
	if err != nil {
		return nil, err
	}
	if !CanSee(u, rev) {
		return nil, fmt.Errorf("revision %d: %w", id, store.ErrNotFound)
	}
	return rev, nil
}

// Upload imports a workbook uploaded by u: one result and one report per
// form, in sheet order. An agency may upload only its own unit's forms: a
// workbook in which any form belongs to another unit is refused whole (the
// error names the sheet) and nothing of it is stored. A workbook that
// cannot be read is one result with Outcome unreadable and no report.
func (s *Service) Upload(ctx context.Context, u *store.User, name string, data []byte) ([]*ImportResult, []*Report, error) {
	reps, err := s.ValidateForms(name, data, ReadOptions{})
	if err != nil {
		return []*ImportResult{{File: name, Outcome: OutcomeUnreadable, FirstError: err.Error()}}, nil, nil
	}
	if u.Role == store.RoleAgency {
		for _, rep := range reps {
			t, err := s.template(rep)
			if err != nil {
				return nil, reps, err
			}
			unit, _, _ := t.Who(rep.Result)
			if foreign, err := s.foreignUnit(ctx, u, rep, unit); err != nil {
				return nil, reps, err
			} else if foreign {
				s.refused(ctx, u, name, rep.Sheet, unit)
				return nil, reps, fmt.Errorf("upload %s: 工作表“%s”的单位为“%s”，不是本单位“%s”，整个文件未保存 (sheet %q is another unit's form; nothing stored: %w)",
					name, rep.Sheet, unit, u.Unit, rep.Sheet, ErrForbidden)
			}
			// A workbook jxsync generated from another unit's submission is
			// not the agency's to file, whatever its cells say.
			if sub, err := strconv.ParseInt(rep.Result.Props[mapping.PropSubmission], 10, 64); err == nil && sub != 0 {
				latest, err := s.Records.LatestOf(ctx, sub)
				if err == nil && !SameUnit(latest.Unit, u.Unit) {
					s.refused(ctx, u, name, rep.Sheet, latest.Unit)
					return nil, reps, fmt.Errorf("upload %s: 工作表“%s”由其他单位的填报生成，整个文件未保存 (sheet %q was generated from another unit's submission: %w)",
						name, rep.Sheet, rep.Sheet, ErrForbidden)
				}
			}
		}
	}
	irs, err := s.importReports(ctx, name, data, reps, ImportOptions{By: u.Name, Actor: UserActor(ctx, u), Action: store.ActionUpload})
	return irs, reps, err
}

// refused records an agency's upload refused because sheet is the form of
// another unit (other). The refusal stands whatever the audit log says.
func (s *Service) refused(ctx context.Context, u *store.User, name, sheet, other string) {
	_ = s.Record(ctx, UserActor(ctx, u), store.ActionUpload, u.Unit, 0,
		fmt.Sprintf("%s — %s: refused (another unit's form: %s)", name, sheet, other))
}

// Review records a bureau decision (accepted or returned, with a comment
// the agency sees) on a submission's latest revision.
func (s *Service) Review(ctx context.Context, u *store.User, submission int64, status, comment string) (*store.Review, error) {
	if u.Role != store.RoleBureau {
		return nil, ErrForbidden
	}
	if status != store.ReviewAccepted && status != store.ReviewReturned {
		return nil, fmt.Errorf("review: status must be accepted or returned, got %q", status)
	}
	latest, err := s.Records.LatestOf(ctx, submission)
	if err != nil {
		return nil, err
	}
	r := &store.Review{Submission: submission, Revision: latest.ID, Status: status, Comment: comment, By: u.Name}
	if err := s.Users.AddReview(ctx, r); err != nil {
		return nil, err
	}
	detail := status
	if comment != "" {
		detail += ": " + comment
	}
	if err := s.Record(ctx, UserActor(ctx, u), store.ActionReview, latest.Unit, latest.ID, detail); err != nil {
		return r, err
	}
	return r, nil
}

// dummyHash is a bcrypt hash to compare against for unknown names.
var dummyHash = gosync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte(randomToken()), bcrypt.DefaultCost)
	return h
})

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

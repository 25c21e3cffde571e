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

// AddUser creates an account with a bcrypt-hashed password. An agency or
// department account needs its unit: with a registry its code (a name or
// alias given is stored as the registered unit's code; a department's must
// be registered), else the unit's name.
func (s *Service) AddUser(ctx context.Context, name, role, unit, password string) error {
	switch {
	case name == "":
		return errors.New("add user: name: must not be empty")
	case role != store.RoleAgency && role != store.RoleBureau && role != store.RoleDepartment:
		return fmt.Errorf("add user %s: role: must be agency, department or bureau, got %q", name, role)
	case role != store.RoleBureau && unit == "":
		return fmt.Errorf("add user %s: unit: an %s account needs its unit", name, role)
	case len(password) < 8:
		return fmt.Errorf("add user %s: %w", name, ErrWeakPassword)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("add user %s: %w", name, err)
	}
	if role == store.RoleBureau {
		unit = ""
	} else if unit, err = s.accountUnit(ctx, role, unit); err != nil {
		return fmt.Errorf("add user %s: %w", name, err)
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

// CanSee reports, without the unit tree, whether u may read (and, for its
// own unit's, write) a revision: bureau staff see all, an agency or a
// department its own unit's, everyone the unidentified ones they uploaded
// themselves. A department's subtree needs the tree: Service.AccessOf.
func CanSee(u *store.User, rev *store.Revision) bool {
	return (&Access{User: u}).CanSee(rev)
}

// accountUnit is the unit an agency or department account is stored with:
// with a registry the code of the unit that unit names (code, exact name or
// alias), else unit as given. A department must be a registered unit.
func (s *Service) accountUnit(ctx context.Context, role, unit string) (string, error) {
	var reg bool
	if s.Units != nil {
		var err error
		if reg, err = s.Units.Registered(ctx); err != nil {
			return "", err
		}
	}
	if !reg {
		if role == store.RoleDepartment {
			return "", fmt.Errorf("unit: 主管部门账号须对应已登记的单位，请先导入单位名册 (jxsync units import) (a department account needs the unit registry)")
		}
		return unit, nil
	}
	found, err := s.Units.Unit(ctx, unit)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("unit: 单位名册中没有编码、名称或别名为“%s”的单位 (no such unit: %w)", unit, err)
	}
	if err != nil {
		return "", fmt.Errorf("unit: %w", err)
	}
	return found.Code, nil
}

// RevisionFor returns a revision if u may see it. Errors: store.ErrNotFound
// (also when it belongs to a unit u may not see, so ids cannot be probed).
func (s *Service) RevisionFor(ctx context.Context, u *store.User, id int64) (*store.Revision, error) {
	rev, err := s.Records.Revision(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := s.AccessOf(ctx, u)
	if err != nil {
		return nil, err
	}
	if !a.CanSee(rev) {
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
	if u.Role == store.RoleAgency || u.Role == store.RoleDepartment {
		own, err := s.ownUnit(ctx, u)
		if err != nil {
			return nil, reps, err
		}
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
					name, rep.Sheet, unit, own.names[0], rep.Sheet, ErrForbidden)
			}
			// A workbook jxsync generated from another unit's submission is
			// not the agency's to file, whatever its cells say.
			if sub, err := strconv.ParseInt(rep.Result.Props[mapping.PropSubmission], 10, 64); err == nil && sub != 0 {
				latest, err := s.Records.LatestOf(ctx, sub)
				if err == nil && !(own.code != "" && latest.UnitCode == own.code || own.named(latest.Unit)) {
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
	_ = s.Record(ctx, UserActor(ctx, u), store.ActionUpload, s.UnitCodeOf(ctx, u.Unit), 0,
		fmt.Sprintf("%s — %s: refused (another unit's form: %s)", name, sheet, other))
}

// ownUnit is an account's unit: its code (when registered) and the names
// its forms may type (the registered name and aliases, else the account's
// unit as stored).
type ownUnit struct {
	code  string
	names []string
}

func (o ownUnit) named(unit string) bool {
	for _, n := range o.names {
		if SameUnit(unit, n) {
			return true
		}
	}
	return false
}

func (s *Service) ownUnit(ctx context.Context, u *store.User) (ownUnit, error) {
	if s.Units != nil {
		found, err := s.Units.Unit(ctx, u.Unit)
		if err == nil {
			return ownUnit{code: found.Code, names: append([]string{found.Name}, found.Aliases...)}, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return ownUnit{}, fmt.Errorf("unit of %s: %w", u.Name, err)
		}
	}
	return ownUnit{names: []string{u.Unit}}, nil
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

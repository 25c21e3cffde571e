package store

import (
	"context"
	"errors"
	"time"
)

// ErrAmbiguous means a name matches several records (several units).
var ErrAmbiguous = errors.New("matches several")

// RoleDepartment is a 主管部门's account: it sees its unit's subtree,
// reviews its units' submissions first and fills its own forms.
const RoleDepartment = "department"

// Review levels: a department's decision comes before the bureau's.
const (
	// LevelDepartment is a 主管部门's review (部门审核).
	LevelDepartment = "department"
	// LevelBureau is the bureau's review (财政审核).
	LevelBureau = "bureau"
)

// Unit is a unit of the registry: a bureau (财政), a department (主管部门)
// or a budget unit (预算单位).
type Unit struct {
	// Code is the unit's code (单位编码): a budget-system code or a
	// 统一社会信用代码 from the roster, or AUTO000001 … for a unit created
	// from a typed name.
	Code string
	// Name is the unit's registered name (单位名称).
	Name string
	// Parent is the code of the unit above it (上级单位编码); empty for a
	// unit at the top.
	Parent string
	// Aliases are other names the unit is known by.
	Aliases []string
	// Registered is true for a unit from a roster, false for one created
	// from a name typed in a workbook.
	Registered bool
	// CreatedAt is when the unit was first recorded.
	CreatedAt time.Time
	// Replaces, in a roster given to SaveUnits, names a unit created from a
	// typed name that this unit takes over when no unit has its code yet
	// (the roster's name for it differs from the name typed); its
	// submissions become this unit's and the typed name an alias.
	Replaces string
}

// UnitChanges counts what SaveUnits did.
type UnitChanges struct {
	// Added units are new; Updated ones had their name, parent or aliases
	// changed; Unchanged ones were as the roster says.
	Added, Updated, Unchanged int
}

// Units keeps the unit registry.
type Units interface {
	// SaveUnits records a roster in one transaction: a unit whose code is
	// known gets the roster's name and parent and the roster's aliases
	// added to its own; a unit created from a typed name equal to a roster
	// unit's name (or to its Replaces) becomes that unit (code, name,
	// parent; the typed name kept as an alias); others are added. Every
	// unit saved is registered. Nothing is deleted. Errors: ErrExists when
	// a name or alias belongs to another unit (the error names both).
	SaveUnits(ctx context.Context, units []*Unit) (UnitChanges, error)
	// Units returns every unit, by code.
	Units(ctx context.Context) ([]*Unit, error)
	// Unit returns the unit with that code, else that exact name, else that
	// alias. Errors: ErrNotFound.
	Unit(ctx context.Context, key string) (*Unit, error)
	// AddAlias records another name of the unit with that code. Errors:
	// ErrNotFound (no such unit), ErrExists (the alias is another unit's
	// name or alias).
	AddAlias(ctx context.Context, code, alias string) error
	// Registered reports whether a roster was imported (any unit is
	// registered).
	Registered(ctx context.Context) (bool, error)
}

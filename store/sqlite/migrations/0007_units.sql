-- The organisation: a registry of units with codes, parents (财政 → 主管部门
-- → 预算单位, any depth) and aliases; tasks (自评任务: which unit owes which
-- form); the review level of a decision; the department role.

-- Units get a code. Units created from a typed name (no roster) get a
-- generated one, AUTO000001 …; a roster import gives them their real code.
ALTER TABLE units ADD COLUMN code TEXT;
ALTER TABLE units ADD COLUMN parent_code TEXT NOT NULL DEFAULT '';
-- registered: 1 when the unit comes from a roster (units import).
ALTER TABLE units ADD COLUMN registered INTEGER NOT NULL DEFAULT 0;
UPDATE units SET code = printf('AUTO%06d', id) WHERE code IS NULL;
CREATE UNIQUE INDEX units_code ON units(code);
CREATE INDEX units_parent ON units(parent_code);
CREATE TRIGGER units_code_generated AFTER INSERT ON units WHEN NEW.code IS NULL
BEGIN UPDATE units SET code = printf('AUTO%06d', NEW.id) WHERE id = NEW.id; END;

-- Other names of a unit: from the roster's 别名 column and from assigning a
-- waiting revision to a unit.
CREATE TABLE unit_aliases (
  alias      TEXT PRIMARY KEY,
  unit_id    INTEGER NOT NULL REFERENCES units(id),
  created_at TEXT NOT NULL
);
CREATE INDEX unit_aliases_unit ON unit_aliases(unit_id);

-- 自评任务: a unit owes a template's form for a year, by a due date.
CREATE TABLE tasks (
  id          INTEGER PRIMARY KEY,
  template_id TEXT NOT NULL,
  year        INTEGER NOT NULL,
  unit_id     INTEGER NOT NULL REFERENCES units(id),
  due         TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  UNIQUE (template_id, year, unit_id)
);

-- A decision is a department's (部门审核) or the bureau's (财政审核).
ALTER TABLE reviews ADD COLUMN level TEXT NOT NULL DEFAULT 'bureau' CHECK (level IN ('department', 'bureau'));

-- The department role: users is rebuilt for its CHECK. Sessions are not
-- kept (everyone signs in again after the upgrade): they refer to users.
CREATE TABLE users_new (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('agency', 'department', 'bureau')),
  unit          TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  CHECK (role = 'bureau' OR unit != '')
);
INSERT INTO users_new SELECT id, name, role, unit, password_hash, disabled, created_at FROM users;
DROP TABLE sessions;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_name  TEXT NOT NULL REFERENCES users(name),
  csrf       TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

-- The 待确认单位 queue. Once a roster is imported, a form whose unit
-- matches no registered unit, or several, is kept as a revision of no
-- submission and waits here with the identity its cells gave, until
-- someone assigns it to a unit: that files a new revision (the same
-- original and data) under the unit's submission and is recorded in
-- unit_assignments, which is append-only.
CREATE TABLE pending_units (
  revision_id INTEGER PRIMARY KEY REFERENCES revisions(id),
  unit_name   TEXT NOT NULL,
  year        INTEGER NOT NULL,
  subject     TEXT NOT NULL DEFAULT '',
  template_id TEXT NOT NULL
);

CREATE TABLE unit_assignments (
  revision_id INTEGER PRIMARY KEY REFERENCES pending_units(revision_id),
  unit_code   TEXT NOT NULL,
  filed_id    INTEGER NOT NULL REFERENCES revisions(id),
  assigned_by TEXT NOT NULL,
  assigned_at TEXT NOT NULL
);

CREATE TRIGGER unit_assignments_never_updated BEFORE UPDATE ON unit_assignments
BEGIN SELECT RAISE(ABORT, 'unit assignments are never updated'); END;
CREATE TRIGGER unit_assignments_never_deleted BEFORE DELETE ON unit_assignments
BEGIN SELECT RAISE(ABORT, 'unit assignments are never deleted'); END;
CREATE TRIGGER pending_units_never_deleted BEFORE DELETE ON pending_units
BEGIN SELECT RAISE(ABORT, 'pending units are never deleted'); END;

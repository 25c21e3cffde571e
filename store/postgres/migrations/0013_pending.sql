-- The 待确认单位 queue (SQLite's 0009_pending.sql). Once a roster is
-- imported, a form whose unit matches no registered unit, or several, is
-- kept as a revision of no submission and waits here with the identity its
-- cells gave, until someone assigns it to a unit: that files a new
-- revision (the same original and data) under the unit's submission and
-- is recorded in unit_assignments. Assignments are only ever added:
-- append_only() refuses UPDATE, DELETE and TRUNCATE; queue rows are never
-- deleted either.
CREATE TABLE pending_units (
  revision_id bigint PRIMARY KEY REFERENCES revisions(id),
  unit_name   text NOT NULL,
  year        integer NOT NULL,
  subject     text NOT NULL DEFAULT '',
  template_id text NOT NULL
);

CREATE TABLE unit_assignments (
  revision_id bigint PRIMARY KEY REFERENCES pending_units(revision_id),
  unit_code   text NOT NULL,
  filed_id    bigint NOT NULL REFERENCES revisions(id),
  assigned_by text NOT NULL,
  assigned_at timestamptz NOT NULL
);

CREATE TRIGGER unit_assignments_append_only BEFORE UPDATE OR DELETE ON unit_assignments
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER unit_assignments_never_truncated BEFORE TRUNCATE ON unit_assignments
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER pending_units_never_deleted BEFORE DELETE ON pending_units
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER pending_units_never_truncated BEFORE TRUNCATE ON pending_units
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();

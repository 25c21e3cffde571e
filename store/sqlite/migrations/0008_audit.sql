-- The audit log: who (an account, or for the CLI the --by name or the OS
-- user with role cli), their role, when (UTC, fixed width, so that text
-- order is time order), from which client address, what (a stable English
-- action key: upload, import, review, task, assign, account, download), on
-- which unit (its code, as text: the unit's name until units have codes)
-- and revision (NULL when none), and a detail for people. Rows are only
-- ever added.

CREATE TABLE audit_log (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  role      TEXT NOT NULL,
  address   TEXT NOT NULL DEFAULT '',
  action    TEXT NOT NULL,
  unit_code TEXT NOT NULL DEFAULT '',
  revision  INTEGER,
  detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_unit ON audit_log(unit_code, at);

CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is never updated'); END;
CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is never deleted'); END;

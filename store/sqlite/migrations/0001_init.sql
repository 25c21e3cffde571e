-- jxsync records: units, templates, submissions, revisions (never updated or
-- deleted) and the parsed values of every revision.

CREATE TABLE units (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE templates (
  id      TEXT NOT NULL,
  version TEXT NOT NULL,
  title   TEXT NOT NULL,
  PRIMARY KEY (id, version)
);

CREATE TABLE submissions (
  id          INTEGER PRIMARY KEY,
  unit_id     INTEGER NOT NULL REFERENCES units(id),
  template_id TEXT NOT NULL,
  year        INTEGER NOT NULL,
  subject     TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  UNIQUE (unit_id, template_id, year, subject)
);

CREATE TABLE revisions (
  id               INTEGER PRIMARY KEY,
  submission_id    INTEGER REFERENCES submissions(id),
  seq              INTEGER NOT NULL,
  blob_hash        TEXT NOT NULL CHECK (length(blob_hash) = 64),
  file_name        TEXT NOT NULL,
  size             INTEGER NOT NULL,
  uploaded_at      TEXT NOT NULL,
  uploaded_by      TEXT NOT NULL,
  template_id      TEXT NOT NULL,
  template_version TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('valid', 'warnings', 'rejected')),
  errors           INTEGER NOT NULL,
  warnings         INTEGER NOT NULL,
  findings         TEXT NOT NULL,
  data             TEXT,
  total_score      REAL,
  FOREIGN KEY (template_id, template_version) REFERENCES templates(id, version),
  UNIQUE (submission_id, blob_hash),
  UNIQUE (submission_id, seq)
);
CREATE UNIQUE INDEX revisions_orphan_blob ON revisions(blob_hash) WHERE submission_id IS NULL;
CREATE INDEX revisions_blob ON revisions(blob_hash);

CREATE TRIGGER revisions_never_updated BEFORE UPDATE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are never updated'); END;
CREATE TRIGGER revisions_never_deleted BEFORE DELETE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are never deleted'); END;

CREATE TABLE field_values (
  revision_id INTEGER NOT NULL REFERENCES revisions(id),
  path        TEXT NOT NULL,
  type        TEXT NOT NULL,
  raw         TEXT NOT NULL,
  number      REAL,
  text        TEXT,
  unit        TEXT,
  cell        TEXT NOT NULL,
  value       TEXT NOT NULL,
  PRIMARY KEY (revision_id, path)
);

CREATE TABLE table_rows (
  revision_id INTEGER NOT NULL REFERENCES revisions(id),
  path        TEXT NOT NULL,
  table_name  TEXT NOT NULL,
  block_index INTEGER,
  row_index   INTEGER NOT NULL,
  sheet_row   INTEGER NOT NULL,
  "values"    TEXT NOT NULL,
  met         INTEGER,
  PRIMARY KEY (revision_id, path, row_index)
);

-- One row per submission with its latest revision.
CREATE VIEW submission_status AS
SELECT u.name AS unit, s.year, s.template_id AS template, s.subject,
       r.id AS latest_revision, r.seq AS revisions, r.template_version AS version,
       r.status, r.errors, r.warnings, r.total_score, r.uploaded_at, r.file_name
FROM submissions s
JOIN units u ON u.id = s.unit_id
JOIN revisions r ON r.submission_id = s.id
WHERE r.seq = (SELECT max(seq) FROM revisions WHERE submission_id = s.id);

-- One row per indicator of the latest revision of every submission.
CREATE VIEW indicators AS
SELECT st.unit, st.year, st.template, st.subject, st.latest_revision AS revision,
       tr.block_index AS goal_index,
       (SELECT fv.text FROM field_values fv WHERE fv.revision_id = tr.revision_id
          AND fv.path = 'blocks.goals[' || tr.block_index || '].fields.goal') AS goal,
       json_extract(tr."values", '$.level1.text') AS level1,
       json_extract(tr."values", '$.level2.text') AS level2,
       json_extract(tr."values", '$.level3.text') AS level3,
       json_extract(tr."values", '$.target.raw') AS target,
       json_extract(tr."values", '$.actual.raw') AS actual,
       tr.met,
       json_extract(tr."values", '$.weight.number') AS weight,
       json_extract(tr."values", '$.score.number') AS score,
       tr.sheet_row
FROM table_rows tr
JOIN submission_status st ON st.latest_revision = tr.revision_id
WHERE tr.table_name IN ('indicators', 'items');

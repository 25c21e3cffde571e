-- Each value stored once. A revision's extracted data is one document,
-- revisions.data: the JSON of the result, zstd-compressed (the Go step of
-- this migration, compactDocuments, compresses the documents already
-- stored, dropping and recreating the trigger that refuses updates of
-- revisions around it). Beside it are kept only what SQL reads:
--
-- - field_values without its `value` column (the JSON of the value again);
-- - table rows as the columns the views read — level1, level2, level3
--   (text), target, actual (raw), weight, score (number), met — in
--   row_values, their table paths once in table_paths and the indicator
--   names (一级/二级/三级指标, repeated row after row and revision after
--   revision) once in texts; table_rows is now a view over them, its
--   "values" the JSON of those columns only.

DROP VIEW indicators;

ALTER TABLE field_values DROP COLUMN value;

-- The tables rows were read from: "tables.<name>" or
-- "blocks.<block>[<i>].tables.<name>".
CREATE TABLE table_paths (
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL UNIQUE,
  table_name  TEXT NOT NULL,
  block_index INTEGER
);

-- Texts rows share.
CREATE TABLE texts (
  id   INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);

CREATE TABLE row_values (
  revision_id INTEGER NOT NULL REFERENCES revisions(id),
  path_id     INTEGER NOT NULL REFERENCES table_paths(id),
  row_index   INTEGER NOT NULL,
  sheet_row   INTEGER NOT NULL,
  met         INTEGER,
  level1      INTEGER REFERENCES texts(id),
  level2      INTEGER REFERENCES texts(id),
  level3      INTEGER REFERENCES texts(id),
  target      TEXT,
  actual      TEXT,
  weight      NUMERIC,
  score       NUMERIC,
  PRIMARY KEY (revision_id, path_id, row_index)
) WITHOUT ROWID;

INSERT INTO table_paths(path, table_name, block_index)
SELECT path, table_name, block_index FROM table_rows GROUP BY path ORDER BY path;

INSERT INTO texts(text)
SELECT t FROM (
  SELECT json_extract("values", '$.level1.text') AS t FROM table_rows
  UNION SELECT json_extract("values", '$.level2.text') FROM table_rows
  UNION SELECT json_extract("values", '$.level3.text') FROM table_rows)
WHERE t IS NOT NULL ORDER BY t;

INSERT INTO row_values(revision_id, path_id, row_index, sheet_row, met, level1, level2, level3, target, actual, weight, score)
SELECT tr.revision_id, tp.id, tr.row_index, tr.sheet_row, tr.met,
       (SELECT id FROM texts WHERE text = json_extract(tr."values", '$.level1.text')),
       (SELECT id FROM texts WHERE text = json_extract(tr."values", '$.level2.text')),
       (SELECT id FROM texts WHERE text = json_extract(tr."values", '$.level3.text')),
       json_extract(tr."values", '$.target.raw'), json_extract(tr."values", '$.actual.raw'),
       json_extract(tr."values", '$.weight.number'), json_extract(tr."values", '$.score.number')
FROM table_rows tr JOIN table_paths tp ON tp.path = tr.path;

DROP TABLE table_rows;

-- One row per table row of every revision; "values" holds the columns the
-- views read, as {"level1": {"text": …}, "target": {"raw": …}, "weight":
-- {"number": …}, …} (those a row has).
CREATE VIEW table_rows AS
SELECT rv.revision_id, tp.path, tp.table_name, tp.block_index, rv.row_index, rv.sheet_row,
       json_patch('{}', json_object(
         'level1', CASE WHEN l1.text IS NOT NULL THEN json_object('text', l1.text) END,
         'level2', CASE WHEN l2.text IS NOT NULL THEN json_object('text', l2.text) END,
         'level3', CASE WHEN l3.text IS NOT NULL THEN json_object('text', l3.text) END,
         'target', CASE WHEN rv.target IS NOT NULL THEN json_object('raw', rv.target) END,
         'actual', CASE WHEN rv.actual IS NOT NULL THEN json_object('raw', rv.actual) END,
         'weight', CASE WHEN rv.weight IS NOT NULL THEN json_object('number', rv.weight) END,
         'score', CASE WHEN rv.score IS NOT NULL THEN json_object('number', rv.score) END)) AS "values",
       rv.met
FROM row_values rv
JOIN table_paths tp ON tp.id = rv.path_id
LEFT JOIN texts l1 ON l1.id = rv.level1
LEFT JOIN texts l2 ON l2.id = rv.level2
LEFT JOIN texts l3 ON l3.id = rv.level3;

-- One row per indicator of the latest revision of every submission.
CREATE VIEW indicators AS
SELECT st.unit, st.year, st.template, st.subject, st.latest_revision AS revision,
       tp.block_index AS goal_index,
       (SELECT fv.text FROM field_values fv WHERE fv.revision_id = rv.revision_id
          AND fv.path = 'blocks.goals[' || tp.block_index || '].fields.goal') AS goal,
       l1.text AS level1, l2.text AS level2, l3.text AS level3, rv.target, rv.actual, rv.met,
       rv.weight, rv.score, rv.sheet_row
FROM row_values rv
JOIN table_paths tp ON tp.id = rv.path_id
JOIN submission_status st ON st.latest_revision = rv.revision_id
LEFT JOIN texts l1 ON l1.id = rv.level1
LEFT JOIN texts l2 ON l2.id = rv.level2
LEFT JOIN texts l3 ON l3.id = rv.level3
WHERE tp.table_name IN ('indicators', 'items');

-- The views `jxsync sql` and psql read, with the names and columns they
-- have on SQLite (met is 0 or 1 there, so it is an integer here too).
-- A migration that changes a table they read recreates them after it.

-- One row per submission with its latest revision.
CREATE VIEW submission_status AS
SELECT u.name AS unit, s.year, s.template_id AS template, s.subject,
       r.id AS latest_revision, r.seq AS revisions, r.template_version AS version,
       r.status, r.errors, r.warnings, r.total_score, r.uploaded_at, r.file_name, r.sheet
FROM submissions s
JOIN units u ON u.id = s.unit_id
JOIN revisions r ON r.submission_id = s.id
WHERE r.seq = (SELECT max(seq) FROM revisions WHERE submission_id = s.id);

-- One row per table row of every revision; "values" holds the columns the
-- views read, as {"level1": {"text": …}, "target": {"raw": …}, "weight":
-- {"number": …}, …} (those a row has).
CREATE VIEW table_rows AS
SELECT rv.revision_id, tp.path, tp.table_name, tp.block_index, rv.row_index, rv.sheet_row,
       jsonb_strip_nulls(jsonb_build_object(
         'level1', CASE WHEN l1.text IS NOT NULL THEN jsonb_build_object('text', l1.text) END,
         'level2', CASE WHEN l2.text IS NOT NULL THEN jsonb_build_object('text', l2.text) END,
         'level3', CASE WHEN l3.text IS NOT NULL THEN jsonb_build_object('text', l3.text) END,
         'target', CASE WHEN rv.target IS NOT NULL THEN jsonb_build_object('raw', rv.target) END,
         'actual', CASE WHEN rv.actual IS NOT NULL THEN jsonb_build_object('raw', rv.actual) END,
         'weight', CASE WHEN rv.weight IS NOT NULL THEN jsonb_build_object('number', rv.weight) END,
         'score', CASE WHEN rv.score IS NOT NULL THEN jsonb_build_object('number', rv.score) END)) AS "values",
       rv.met::integer AS met
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
       l1.text AS level1, l2.text AS level2, l3.text AS level3, rv.target, rv.actual, rv.met::integer AS met,
       rv.weight, rv.score, rv.sheet_row
FROM row_values rv
JOIN table_paths tp ON tp.id = rv.path_id
JOIN submission_status st ON st.latest_revision = rv.revision_id
LEFT JOIN texts l1 ON l1.id = rv.level1
LEFT JOIN texts l2 ON l2.id = rv.level2
LEFT JOIN texts l3 ON l3.id = rv.level3
WHERE tp.table_name IN ('indicators', 'items');

-- Several forms per workbook: each form sheet is its own revision, all
-- pointing at the one stored original. A revision records the sheet it was
-- read from and the fingerprint of its data, so that a changed file updates
-- only the forms whose data changed.

ALTER TABLE revisions ADD COLUMN sheet TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';

-- A revision of no submission (unit or year unreadable) is one per sheet of
-- an original.
DROP INDEX revisions_orphan_blob;
CREATE UNIQUE INDEX revisions_orphan_blob ON revisions(blob_hash, sheet) WHERE submission_id IS NULL;
CREATE INDEX revisions_orphans ON revisions(uploaded_by) WHERE submission_id IS NULL;

DROP VIEW indicators;
DROP VIEW submission_status;

-- One row per submission with its latest revision.
CREATE VIEW submission_status AS
SELECT u.name AS unit, s.year, s.template_id AS template, s.subject,
       r.id AS latest_revision, r.seq AS revisions, r.template_version AS version,
       r.status, r.errors, r.warnings, r.total_score, r.uploaded_at, r.file_name, r.sheet
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

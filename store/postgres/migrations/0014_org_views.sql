-- Views of the organisation (SQLite's 0010_views.sql): submission_status
-- gains the unit's code, its department and the state of the review chain;
-- task_status lists the tasks (自评任务) with the state of their
-- submission. States are the stable keys of sync.SubmissionState.

DROP VIEW indicators;
DROP VIEW submission_status;

-- Every unit with its department (主管部门): its parent, unless that parent
-- is the bureau level — a unit at the top with units two levels below it
-- (sync.UnitTree.Department).
CREATE VIEW unit_departments AS
SELECT u.id AS unit_id, u.code AS unit_code, u.name AS unit,
       COALESCE(p.code, '') AS department_code, COALESCE(p.name, '') AS department
FROM units u
LEFT JOIN units p ON p.code = u.parent_code AND u.parent_code != '' AND NOT (
  NOT EXISTS (SELECT 1 FROM units pp WHERE pp.code = p.parent_code AND p.parent_code != '')
  AND EXISTS (SELECT 1 FROM units c JOIN units g ON g.parent_code = c.code WHERE c.parent_code = p.code));

-- One row per submission with its latest revision, its unit's code and
-- department and its state.
CREATE VIEW submission_status AS
SELECT u.name AS unit, s.year, s.template_id AS template, s.subject,
       r.id AS latest_revision, r.seq AS revisions, r.template_version AS version,
       r.status, r.errors, r.warnings, r.total_score, r.uploaded_at, r.file_name, r.sheet,
       u.code AS unit_code, ud.department_code, ud.department,
       CASE
         WHEN lr.level = 'department' AND lr.status = 'accepted' THEN 'dept_accepted'
         WHEN lr.level = 'department' AND lr.status = 'returned' THEN 'dept_returned'
         WHEN lr.status = 'accepted' THEN 'accepted'
         WHEN lr.status = 'returned' THEN 'returned'
         WHEN r.status = 'rejected' THEN 'errors'
         ELSE 'submitted'
       END AS review_state
FROM submissions s
JOIN units u ON u.id = s.unit_id
JOIN unit_departments ud ON ud.unit_id = u.id
JOIN revisions r ON r.submission_id = s.id
LEFT JOIN reviews lr ON lr.id = (SELECT max(id) FROM reviews WHERE revision_id = r.id)
WHERE r.seq = (SELECT max(seq) FROM revisions WHERE submission_id = s.id);

-- One row per indicator of the latest revision of every submission (as in
-- 0010).
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

-- One row per task: the unit, its department, the template and year, the
-- due date (YYYY-MM-DD, '' for none), the state of the unit's submission
-- (the one uploaded last; missing without one) and overdue: 1 when the due
-- date has passed and the form is missing, has errors or was returned.
CREATE VIEW task_status AS
SELECT unit_code, unit, department, template, year, due, state,
       CASE WHEN due != '' AND due < to_char(localtimestamp, 'YYYY-MM-DD')
                 AND state IN ('missing', 'errors', 'dept_returned', 'returned') THEN 1 ELSE 0 END AS overdue
FROM (
  SELECT ud.unit_code, ud.unit, ud.department, t.template_id AS template, t.year, t.due,
         COALESCE((SELECT ss.review_state FROM submission_status ss
                   WHERE ss.unit_code = ud.unit_code AND ss.template = t.template_id AND ss.year = t.year
                   ORDER BY ss.latest_revision DESC LIMIT 1), 'missing') AS state
  FROM tasks t
  JOIN unit_departments ud ON ud.unit_id = t.unit_id
) tt;

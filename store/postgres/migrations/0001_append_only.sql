-- append_only() refuses a change of a table whose rows are never updated
-- or deleted (revisions, templates_custom): attached BEFORE UPDATE OR
-- DELETE for each row and BEFORE TRUNCATE for each statement.
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% are never %', TG_TABLE_NAME,
    CASE TG_OP WHEN 'UPDATE' THEN 'updated' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END
    USING ERRCODE = 'restrict_violation';
END;
$$;

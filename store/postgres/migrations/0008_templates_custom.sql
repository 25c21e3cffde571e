-- Template versions added with `jxsync templates add`: the mapping.yaml as
-- added and the blob hash of the blank template.xlsx (kept in the blob
-- store). A stored version is never changed.
CREATE TABLE templates_custom (
  id                 text NOT NULL,
  version            text NOT NULL,
  mapping_yaml       text NOT NULL,
  template_blob_hash text NOT NULL CHECK (length(template_blob_hash) = 64),
  added_at           timestamptz NOT NULL,
  added_by           text NOT NULL,
  PRIMARY KEY (id, version)
);

CREATE TRIGGER templates_custom_append_only BEFORE UPDATE OR DELETE ON templates_custom
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER templates_custom_never_truncated BEFORE TRUNCATE ON templates_custom
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();

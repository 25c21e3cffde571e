-- Template versions added with `jxsync templates add`: the mapping.yaml as
-- added and the blob hash of the blank template.xlsx (kept in the blob
-- store). They are loaded beside the embedded templates by every command
-- and server. (The table templates records the versions revisions were
-- read with, embedded or stored.) A stored version is never changed.

CREATE TABLE templates_custom (
  id                 TEXT NOT NULL,
  version            TEXT NOT NULL,
  mapping_yaml       TEXT NOT NULL,
  template_blob_hash TEXT NOT NULL CHECK (length(template_blob_hash) = 64),
  added_at           TEXT NOT NULL,
  added_by           TEXT NOT NULL,
  PRIMARY KEY (id, version)
);

CREATE TRIGGER templates_custom_never_updated BEFORE UPDATE ON templates_custom
BEGIN SELECT RAISE(ABORT, 'stored templates are never updated'); END;

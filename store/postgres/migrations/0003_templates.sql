-- The template versions revisions were read with, embedded or stored.
CREATE TABLE templates (
  id      text NOT NULL,
  version text NOT NULL,
  title   text NOT NULL,
  PRIMARY KEY (id, version)
);

-- Accounts of the web portal, their sessions, and bureau reviews.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('agency', 'bureau')),
  unit          TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  CHECK (role = 'bureau' OR unit != '')
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_name  TEXT NOT NULL REFERENCES users(name),
  csrf       TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

CREATE TABLE reviews (
  id            INTEGER PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions(id),
  revision_id   INTEGER NOT NULL REFERENCES revisions(id),
  status        TEXT NOT NULL CHECK (status IN ('accepted', 'returned')),
  comment       TEXT NOT NULL DEFAULT '',
  by_user       TEXT NOT NULL,
  at            TEXT NOT NULL
);
CREATE INDEX reviews_submission ON reviews(submission_id);

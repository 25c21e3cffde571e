-- Rate-limit counters of the portal (store.Limits): one row per event (a
-- failed sign-in, an upload) of a key.
CREATE TABLE limit_events (
  key text NOT NULL,
  at  timestamptz NOT NULL
);
CREATE INDEX limit_events_key_at ON limit_events(key, at);
CREATE INDEX limit_events_at ON limit_events(at);

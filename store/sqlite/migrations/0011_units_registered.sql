-- Whether a roster is registered is asked once a second by every import
-- (sync's unit index); without an index the question read the whole units
-- table, which an import of many units' files keeps growing.
CREATE INDEX units_registered ON units(id) WHERE registered = 1;

-- Department and position names are unique case-insensitively in every
-- script, not only ASCII (SQLite's lower()): the module computes a folded
-- key and the unique index is on it. Rows that exist get lower(name).
ALTER TABLE departments ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE departments SET name_key = lower(name);
DROP INDEX departments_name_lower;
CREATE UNIQUE INDEX departments_name_key ON departments (name_key);

ALTER TABLE positions ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE positions SET name_key = lower(name);
DROP INDEX positions_name_lower;
CREATE UNIQUE INDEX positions_name_key ON positions (name_key);

-- Department and position names are unique case-insensitively through a
-- key the module folds the same way on every database (SQLite's lower()
-- folds ASCII only). Rows that exist get lower(name).
ALTER TABLE departments ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE departments SET name_key = lower(name);
DROP INDEX departments_name_lower;
CREATE UNIQUE INDEX departments_name_key ON departments (name_key);

ALTER TABLE positions ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE positions SET name_key = lower(name);
DROP INDEX positions_name_lower;
CREATE UNIQUE INDEX positions_name_key ON positions (name_key);

-- The task lists' indexes lead with done after user_id. A status filter is
-- then one index range, and the unfiltered list merges the open and the
-- done range (UNION ALL under one ORDER BY), so every page reads at most
-- offset + limit rows of each: with (user_id, sort, id) a filter that
-- matches a few tasks far down the order read most of the user's tasks to
-- find them. Still three indexes, so a task write costs what it did.
DROP INDEX tasks_user_created;
DROP INDEX tasks_user_updated;
DROP INDEX tasks_user_title;
CREATE INDEX tasks_user_done_created ON tasks (user_id, done, created_at, id);
CREATE INDEX tasks_user_done_updated ON tasks (user_id, done, updated_at, id);
CREATE INDEX tasks_user_done_title ON tasks (user_id, done, title, id);

-- tasks_user_id (user_id, id) duplicated what the three list indexes
-- (user_id, created_at | updated_at | title, id) already give every
-- statement that looks tasks up by user, and cost every task write one
-- more index page (SQLite: ~10% of an insert, measured).
DROP INDEX tasks_user_id;

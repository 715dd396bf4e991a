-- Counts kept with the rows they count, so that a list's total, a profile's
-- or a post's counts cost one row read however many rows they count. The
-- triggers below run in the writing statement's transaction, for every
-- writer (the module, ON DELETE CASCADE and SET NULL, the pamps command, a
-- seeding script), so a count changes exactly when its rows do, and a
-- failed or rolled back write leaves it as it was.
--
-- Concurrency: a counter moves by UPDATE ... SET n = n + d, which under
-- READ COMMITTED waits for a concurrent writer of the row and then adds to
-- its committed value, so no increment is lost. Inserts and deletes are
-- counted once per statement (transition tables): a statement touching
-- many rows (an account deletion, a seeding INSERT ... SELECT) moves each
-- counter once, after it has locked all its own rows, and the counter rows
-- are locked in id order, so two statements never wait for each other's
-- counters in opposite orders (posts before users, groups before users).
--
-- An insert locks its counter rows before it writes (BEFORE INSERT, the
-- pamps_*_locked functions): the foreign key check would otherwise take a
-- weak lock on the same rows first and the counter update then strengthen
-- it, which deadlocks with a transaction deleting that post or account (it
-- has updated the row's counters, and waits for the weak lock to go).
-- Waiting instead, the insert finds the row deleted and fails its foreign
-- key check as it did before counters.
ALTER TABLE users
    ADD COLUMN tasks_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tasks_done_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN posts_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN followers_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN following_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN departments_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN positions_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE posts
    ADD COLUMN likes_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN replies_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE departments ADD COLUMN members_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN members_count BIGINT NOT NULL DEFAULT 0;

-- the number of rows of the tables listed whole (users, departments,
-- positions), one row each
CREATE TABLE totals (
    name TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
);

-- the rows that exist now
UPDATE users SET
    tasks_count = (SELECT COUNT(*) FROM tasks t WHERE t.user_id = users.id),
    tasks_done_count = (SELECT COUNT(*) FROM tasks t WHERE t.user_id = users.id AND t.done),
    posts_count = (SELECT COUNT(*) FROM posts p WHERE p.user_id = users.id),
    followers_count = (SELECT COUNT(*) FROM follows f WHERE f.followee_id = users.id),
    following_count = (SELECT COUNT(*) FROM follows f WHERE f.follower_id = users.id),
    departments_count = (SELECT COUNT(*) FROM department_members m WHERE m.user_id = users.id),
    positions_count = (SELECT COUNT(*) FROM position_members m WHERE m.user_id = users.id);
UPDATE posts SET
    likes_count = (SELECT COUNT(*) FROM likes l WHERE l.post_id = posts.id),
    replies_count = (SELECT COUNT(*) FROM posts c WHERE c.parent_id = posts.id);
UPDATE departments SET
    members_count = (SELECT COUNT(*) FROM department_members m WHERE m.department_id = departments.id);
UPDATE positions SET
    members_count = (SELECT COUNT(*) FROM position_members m WHERE m.position_id = positions.id);
INSERT INTO totals (name, n) SELECT 'users', COUNT(*) FROM users;
INSERT INTO totals (name, n) SELECT 'departments', COUNT(*) FROM departments;
INSERT INTO totals (name, n) SELECT 'positions', COUNT(*) FROM positions;

-- +1 for the rows an INSERT added, -1 for those a DELETE removed: each
-- function below serves both, its trigger naming the rows "changed"
CREATE FUNCTION pamps_sign(op TEXT) RETURNS BIGINT LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE op WHEN 'INSERT' THEN 1::BIGINT ELSE -1::BIGINT END $$;

CREATE FUNCTION pamps_tasks_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM users WHERE id = NEW.user_id FOR NO KEY UPDATE;
    RETURN NEW;
END $$;

CREATE FUNCTION pamps_posts_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM posts WHERE id = NEW.parent_id FOR NO KEY UPDATE;
    PERFORM 1 FROM users WHERE id = NEW.user_id FOR NO KEY UPDATE;
    RETURN NEW;
END $$;

CREATE FUNCTION pamps_likes_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM posts WHERE id = NEW.post_id FOR NO KEY UPDATE;
    RETURN NEW;
END $$;

CREATE FUNCTION pamps_follows_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM users WHERE id IN (NEW.follower_id, NEW.followee_id) ORDER BY id
        FOR NO KEY UPDATE;
    RETURN NEW;
END $$;

-- TG_ARGV as for pamps_members_counted below
CREATE FUNCTION pamps_members_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT 1 FROM %I WHERE id = ($1).%I FOR NO KEY UPDATE', TG_ARGV[0], TG_ARGV[1])
        USING NEW;
    PERFORM 1 FROM users WHERE id = NEW.user_id FOR NO KEY UPDATE;
    RETURN NEW;
END $$;

-- users, departments, positions: totals row named after the table; a
-- statement that changed nothing (ON CONFLICT DO NOTHING) locks nothing
CREATE FUNCTION pamps_total_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k BIGINT;
BEGIN
    SELECT COUNT(*) INTO k FROM changed;
    IF k <> 0 THEN
        UPDATE totals SET n = n + pamps_sign(TG_OP) * k WHERE name = TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION pamps_tasks_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM users WHERE id IN (SELECT user_id FROM changed) ORDER BY id FOR NO KEY UPDATE;
    UPDATE users u SET tasks_count = u.tasks_count + pamps_sign(TG_OP) * d.n,
                       tasks_done_count = u.tasks_done_count + pamps_sign(TG_OP) * d.done
        FROM (SELECT user_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE done) AS done
              FROM changed GROUP BY user_id) d
        WHERE u.id = d.user_id;
    RETURN NULL;
END $$;

-- a task marked done or not done (row trigger: column lists and WHEN
-- conditions exclude transition tables)
CREATE FUNCTION pamps_tasks_done_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET tasks_done_count = tasks_done_count + CASE WHEN NEW.done THEN 1 ELSE -1 END
        WHERE id = NEW.user_id;
    RETURN NULL;
END $$;

-- a post counts for its author; a reply for its parent too
CREATE FUNCTION pamps_posts_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM posts WHERE id IN (SELECT parent_id FROM changed) ORDER BY id
        FOR NO KEY UPDATE;
    UPDATE posts p SET replies_count = p.replies_count + pamps_sign(TG_OP) * d.n
        FROM (SELECT parent_id, COUNT(*) AS n FROM changed WHERE parent_id IS NOT NULL
              GROUP BY parent_id) d
        WHERE p.id = d.parent_id;
    PERFORM 1 FROM users WHERE id IN (SELECT user_id FROM changed) ORDER BY id FOR NO KEY UPDATE;
    UPDATE users u SET posts_count = u.posts_count + pamps_sign(TG_OP) * d.n
        FROM (SELECT user_id, COUNT(*) AS n FROM changed GROUP BY user_id) d
        WHERE u.id = d.user_id;
    RETURN NULL;
END $$;

-- replies detached from a deleted post (by the module or ON DELETE SET NULL)
CREATE FUNCTION pamps_posts_parent_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE posts SET replies_count = replies_count - 1 WHERE id = OLD.parent_id;
    UPDATE posts SET replies_count = replies_count + 1 WHERE id = NEW.parent_id;
    RETURN NULL;
END $$;

CREATE FUNCTION pamps_likes_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM posts WHERE id IN (SELECT post_id FROM changed) ORDER BY id FOR NO KEY UPDATE;
    UPDATE posts p SET likes_count = p.likes_count + pamps_sign(TG_OP) * d.n
        FROM (SELECT post_id, COUNT(*) AS n FROM changed GROUP BY post_id) d
        WHERE p.id = d.post_id;
    RETURN NULL;
END $$;

-- both ends of a follow, locked together in id order (A following B while
-- B follows A must not wait for each other)
CREATE FUNCTION pamps_follows_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM users
        WHERE id IN (SELECT follower_id FROM changed UNION SELECT followee_id FROM changed)
        ORDER BY id FOR NO KEY UPDATE;
    UPDATE users u SET following_count = u.following_count + pamps_sign(TG_OP) * d.n
        FROM (SELECT follower_id, COUNT(*) AS n FROM changed GROUP BY follower_id) d
        WHERE u.id = d.follower_id;
    UPDATE users u SET followers_count = u.followers_count + pamps_sign(TG_OP) * d.n
        FROM (SELECT followee_id, COUNT(*) AS n FROM changed GROUP BY followee_id) d
        WHERE u.id = d.followee_id;
    RETURN NULL;
END $$;

-- department_members or position_members: TG_ARGV names the group table,
-- its key column in the members table and its users column
CREATE FUNCTION pamps_members_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT 1 FROM %1$I WHERE id IN (SELECT %2$I FROM changed) ORDER BY id'
                   ' FOR NO KEY UPDATE', TG_ARGV[0], TG_ARGV[1]);
    EXECUTE format('UPDATE %1$I g SET members_count = g.members_count + $1 * d.n'
                   ' FROM (SELECT %2$I AS id, COUNT(*) AS n FROM changed GROUP BY 1) d'
                   ' WHERE g.id = d.id', TG_ARGV[0], TG_ARGV[1]) USING pamps_sign(TG_OP);
    PERFORM 1 FROM users WHERE id IN (SELECT user_id FROM changed) ORDER BY id FOR NO KEY UPDATE;
    EXECUTE format('UPDATE users u SET %1$I = u.%1$I + $1 * d.n'
                   ' FROM (SELECT user_id, COUNT(*) AS n FROM changed GROUP BY user_id) d'
                   ' WHERE u.id = d.user_id', TG_ARGV[2]) USING pamps_sign(TG_OP);
    RETURN NULL;
END $$;

CREATE TRIGGER users_counted_insert AFTER INSERT ON users REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pamps_total_counted();
CREATE TRIGGER users_counted_delete AFTER DELETE ON users REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pamps_total_counted();
CREATE TRIGGER departments_counted_insert AFTER INSERT ON departments
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pamps_total_counted();
CREATE TRIGGER departments_counted_delete AFTER DELETE ON departments
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pamps_total_counted();
CREATE TRIGGER positions_counted_insert AFTER INSERT ON positions
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pamps_total_counted();
CREATE TRIGGER positions_counted_delete AFTER DELETE ON positions
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION pamps_total_counted();

CREATE TRIGGER tasks_counted_insert AFTER INSERT ON tasks REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pamps_tasks_counted();
CREATE TRIGGER tasks_counted_delete AFTER DELETE ON tasks REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pamps_tasks_counted();
CREATE TRIGGER tasks_counted_done AFTER UPDATE OF done ON tasks
    FOR EACH ROW WHEN (OLD.done IS DISTINCT FROM NEW.done)
    EXECUTE FUNCTION pamps_tasks_done_changed();

CREATE TRIGGER posts_counted_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pamps_posts_counted();
CREATE TRIGGER posts_counted_delete AFTER DELETE ON posts REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pamps_posts_counted();
CREATE TRIGGER posts_counted_parent AFTER UPDATE OF parent_id ON posts
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
    EXECUTE FUNCTION pamps_posts_parent_changed();

CREATE TRIGGER likes_counted_insert AFTER INSERT ON likes REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pamps_likes_counted();
CREATE TRIGGER likes_counted_delete AFTER DELETE ON likes REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pamps_likes_counted();

CREATE TRIGGER follows_counted_insert AFTER INSERT ON follows REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pamps_follows_counted();
CREATE TRIGGER follows_counted_delete AFTER DELETE ON follows REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION pamps_follows_counted();

CREATE TRIGGER department_members_counted_insert AFTER INSERT ON department_members
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION pamps_members_counted('departments', 'department_id', 'departments_count');
CREATE TRIGGER department_members_counted_delete AFTER DELETE ON department_members
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION pamps_members_counted('departments', 'department_id', 'departments_count');
CREATE TRIGGER position_members_counted_insert AFTER INSERT ON position_members
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION pamps_members_counted('positions', 'position_id', 'positions_count');
CREATE TRIGGER position_members_counted_delete AFTER DELETE ON position_members
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION pamps_members_counted('positions', 'position_id', 'positions_count');

CREATE TRIGGER tasks_locked BEFORE INSERT ON tasks
    FOR EACH ROW EXECUTE FUNCTION pamps_tasks_locked();
CREATE TRIGGER posts_locked BEFORE INSERT ON posts
    FOR EACH ROW EXECUTE FUNCTION pamps_posts_locked();
CREATE TRIGGER likes_locked BEFORE INSERT ON likes
    FOR EACH ROW EXECUTE FUNCTION pamps_likes_locked();
CREATE TRIGGER follows_locked BEFORE INSERT ON follows
    FOR EACH ROW EXECUTE FUNCTION pamps_follows_locked();
CREATE TRIGGER department_members_locked BEFORE INSERT ON department_members
    FOR EACH ROW EXECUTE FUNCTION pamps_members_locked('departments', 'department_id');
CREATE TRIGGER position_members_locked BEFORE INSERT ON position_members
    FOR EACH ROW EXECUTE FUNCTION pamps_members_locked('positions', 'position_id');

-- Counts kept with the rows they count, so that a list's total, a profile's
-- or a post's counts cost one row read however many rows they count. The
-- triggers below run in the writing statement's transaction, for every
-- writer (the module, ON DELETE CASCADE and SET NULL, the pamps command, a
-- seeding script), so a count changes exactly when its rows do, and a
-- failed or rolled back write leaves it as it was. SQLite runs one writer
-- at a time, so an increment never races another.
ALTER TABLE users ADD COLUMN tasks_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN tasks_done_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN posts_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN followers_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN following_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN departments_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN positions_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN likes_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN replies_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE departments ADD COLUMN members_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN members_count INTEGER NOT NULL DEFAULT 0;

-- the number of rows of the tables listed whole (users, departments,
-- positions), one row each
CREATE TABLE totals (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
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

CREATE TRIGGER users_counted_insert AFTER INSERT ON users BEGIN
    UPDATE totals SET n = n + 1 WHERE name = 'users';
END;
CREATE TRIGGER users_counted_delete AFTER DELETE ON users BEGIN
    UPDATE totals SET n = n - 1 WHERE name = 'users';
END;
CREATE TRIGGER departments_counted_insert AFTER INSERT ON departments BEGIN
    UPDATE totals SET n = n + 1 WHERE name = 'departments';
END;
CREATE TRIGGER departments_counted_delete AFTER DELETE ON departments BEGIN
    UPDATE totals SET n = n - 1 WHERE name = 'departments';
END;
CREATE TRIGGER positions_counted_insert AFTER INSERT ON positions BEGIN
    UPDATE totals SET n = n + 1 WHERE name = 'positions';
END;
CREATE TRIGGER positions_counted_delete AFTER DELETE ON positions BEGIN
    UPDATE totals SET n = n - 1 WHERE name = 'positions';
END;

CREATE TRIGGER tasks_counted_insert AFTER INSERT ON tasks BEGIN
    UPDATE users SET tasks_count = tasks_count + 1, tasks_done_count = tasks_done_count + NEW.done
        WHERE id = NEW.user_id;
END;
CREATE TRIGGER tasks_counted_delete AFTER DELETE ON tasks BEGIN
    UPDATE users SET tasks_count = tasks_count - 1, tasks_done_count = tasks_done_count - OLD.done
        WHERE id = OLD.user_id;
END;
CREATE TRIGGER tasks_counted_done AFTER UPDATE OF done ON tasks WHEN OLD.done <> NEW.done BEGIN
    UPDATE users SET tasks_done_count = tasks_done_count + NEW.done - OLD.done
        WHERE id = NEW.user_id;
END;

-- a reply counts for its parent; a NULL parent matches no row
CREATE TRIGGER posts_counted_insert AFTER INSERT ON posts BEGIN
    UPDATE users SET posts_count = posts_count + 1 WHERE id = NEW.user_id;
    UPDATE posts SET replies_count = replies_count + 1 WHERE id = NEW.parent_id;
END;
CREATE TRIGGER posts_counted_delete AFTER DELETE ON posts BEGIN
    UPDATE users SET posts_count = posts_count - 1 WHERE id = OLD.user_id;
    UPDATE posts SET replies_count = replies_count - 1 WHERE id = OLD.parent_id;
END;
-- replies detached from a deleted post (by the module or ON DELETE SET NULL)
CREATE TRIGGER posts_counted_parent AFTER UPDATE OF parent_id ON posts
    WHEN OLD.parent_id IS NOT NEW.parent_id BEGIN
    UPDATE posts SET replies_count = replies_count - 1 WHERE id = OLD.parent_id;
    UPDATE posts SET replies_count = replies_count + 1 WHERE id = NEW.parent_id;
END;

-- ON CONFLICT DO NOTHING inserts no row, and fires no trigger, for a repeat
CREATE TRIGGER likes_counted_insert AFTER INSERT ON likes BEGIN
    UPDATE posts SET likes_count = likes_count + 1 WHERE id = NEW.post_id;
END;
CREATE TRIGGER likes_counted_delete AFTER DELETE ON likes BEGIN
    UPDATE posts SET likes_count = likes_count - 1 WHERE id = OLD.post_id;
END;

CREATE TRIGGER follows_counted_insert AFTER INSERT ON follows BEGIN
    UPDATE users SET following_count = following_count + 1 WHERE id = NEW.follower_id;
    UPDATE users SET followers_count = followers_count + 1 WHERE id = NEW.followee_id;
END;
CREATE TRIGGER follows_counted_delete AFTER DELETE ON follows BEGIN
    UPDATE users SET following_count = following_count - 1 WHERE id = OLD.follower_id;
    UPDATE users SET followers_count = followers_count - 1 WHERE id = OLD.followee_id;
END;

CREATE TRIGGER department_members_counted_insert AFTER INSERT ON department_members BEGIN
    UPDATE departments SET members_count = members_count + 1 WHERE id = NEW.department_id;
    UPDATE users SET departments_count = departments_count + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER department_members_counted_delete AFTER DELETE ON department_members BEGIN
    UPDATE departments SET members_count = members_count - 1 WHERE id = OLD.department_id;
    UPDATE users SET departments_count = departments_count - 1 WHERE id = OLD.user_id;
END;
CREATE TRIGGER position_members_counted_insert AFTER INSERT ON position_members BEGIN
    UPDATE positions SET members_count = members_count + 1 WHERE id = NEW.position_id;
    UPDATE users SET positions_count = positions_count + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER position_members_counted_delete AFTER DELETE ON position_members BEGIN
    UPDATE positions SET members_count = members_count - 1 WHERE id = OLD.position_id;
    UPDATE users SET positions_count = positions_count - 1 WHERE id = OLD.user_id;
END;

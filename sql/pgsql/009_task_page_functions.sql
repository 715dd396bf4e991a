-- A task page, one function per sort, whose query keeps one plan per
-- session: PostgreSQL planned the prepared list statement anew on every
-- call (its plan for the values given looked cheaper than the generic
-- one), and planning was half of the database's time of GET /tasks. The
-- plan is the same for every user and page anyway: the two arms (open and
-- done tasks) each an index range of the sort's index read backward or
-- forward up to its reach, merged (Merge Append). A PL/pgSQL function keeps
-- the plans of its queries for the session; SET plan_cache_mode makes that
-- plan the generic one from the first call.
--
-- The arguments are the module's list statement's, as text, in its order:
-- user_id, pattern, pattern, reach (open arm), the same four for the done
-- arm, limit, offset. A reach of 0 leaves its arm out (a status filter).
-- The query is the SQLite list's (pamps_sql.h, PAMPS_TASK_LIST), with each
-- arm limited to its reach inside, as PostgreSQL merges no other form.
DO $$
DECLARE
    s RECORD;
BEGIN
    FOR s IN SELECT * FROM (VALUES
            ('created_desc', 'created_at DESC, id DESC'),
            ('created_asc', 'created_at ASC, id ASC'),
            ('updated_desc', 'updated_at DESC, id DESC'),
            ('updated_asc', 'updated_at ASC, id ASC'),
            ('title_desc', 'title DESC, id DESC'),
            ('title_asc', 'title ASC, id ASC')) AS sorts (name, ord)
    LOOP
        EXECUTE format($f$
CREATE FUNCTION pamps_task_page_%1$s(VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR,
                                     VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR)
RETURNS TABLE (id BIGINT, title TEXT, description TEXT, done BOOLEAN,
               created_at TIMESTAMPTZ, updated_at TIMESTAMPTZ)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $body$
#variable_conflict use_column
BEGIN
RETURN QUERY
SELECT * FROM (SELECT id, title, description, done, created_at, updated_at FROM tasks
    WHERE user_id = CAST($1 AS BIGINT) AND done = FALSE
    AND ($2 = '' OR lower(title) LIKE $3 ESCAPE '\')
    ORDER BY %2$s LIMIT CAST($4 AS BIGINT)) AS arm
UNION ALL
SELECT * FROM (SELECT id, title, description, done, created_at, updated_at FROM tasks
    WHERE user_id = CAST($5 AS BIGINT) AND done = TRUE
    AND ($6 = '' OR lower(title) LIKE $7 ESCAPE '\')
    ORDER BY %2$s LIMIT CAST($8 AS BIGINT)) AS arm
ORDER BY %2$s LIMIT CAST($9 AS BIGINT) OFFSET CAST($10 AS BIGINT);
END
$body$
$f$, s.name, s.ord);
    END LOOP;
END
$$;

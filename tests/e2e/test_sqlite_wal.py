"""SQLite's WAL is checkpointed after a response, outside the server-wide
write mutex (src/httpd/pamps_wal.c), and still as often as SQLite itself
would: under a stream of writes the WAL file stays near 1000 pages."""
import os

import pytest

from pampsenv import BACKEND, HttpdServer, new_user

FRAME = 4096 + 24               # a WAL frame: a 4 KiB page and its header
WRITES = 1000                   # each insert adds ~6 frames


@pytest.mark.skipif(BACKEND != "sqlite3", reason="SQLite's WAL")
def test_the_wal_stays_short_under_a_stream_of_writes():
    srv = HttpdServer()
    try:
        srv.start()
        user = new_user(srv)
        for i in range(WRITES):
            assert user.post("/tasks", json={"title": "t%d" % i}).status_code == 201
        wal = srv.db_path + "-wal"
        frames = os.path.getsize(wal) // FRAME if os.path.exists(wal) else 0
        # no checkpoint at all would leave ~6000 frames, SQLite's own ~1000
        assert frames < 2000, "WAL of %d frames after %d inserts" % (frames, WRITES)
        assert user.get("/tasks").json()["total"] == WRITES
        assert srv.sql("SELECT COUNT(*) FROM tasks")[0][0] == WRITES
    finally:
        srv.stop()
        srv.cleanup()

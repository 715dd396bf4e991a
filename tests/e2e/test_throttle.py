"""Throttling under attack (API.md, Settled details): the login limits hold
for parallel attempts, a wrong current password on a password change counts
as a failed login, registration is limited per client address, and the rows
the limits and the refresh tokens leave behind are purged as they expire.

Every request here comes from 127.0.0.1: the per-address limits are those of
the servers each test starts (the session server allows 100000 failures)."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pampsenv import Client, checked, db_rows, extra_server, new_user, unique

WRONG = "wrong-password"


def login(server, username, password):
    return Client(server).post("/auth/login",
                               json={"username": username, "password": password})


def assert_429(r, window):
    assert r.status_code == 429, r.text
    assert isinstance(r.json()["detail"], str)
    assert 1 <= int(r.headers["Retry-After"]) <= window
    assert "access_token" not in r.json()


def in_parallel(calls):
    """Runs the calls at once (all threads released by one barrier) and
    returns their responses in order."""
    barrier = threading.Barrier(len(calls))

    def one(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(one, calls))


def codes(responses):
    out = {}
    for r in responses:
        out[r.status_code] = out.get(r.status_code, 0) + 1
    return out


# --- logins in parallel ---------------------------------------------------

def test_parallel_logins_for_one_account_evaluate_at_most_five(server):
    c = Client(server)
    c.register()
    calls = [lambda: login(server, c.username, WRONG)] * 39
    calls.append(lambda: login(server, c.username, c.password))
    results = in_parallel(calls)
    got = codes(results)
    assert set(got) <= {401, 429, 200}, got
    # the wrong ones: at most the account's five evaluated, the rest refused
    assert got.get(401, 0) <= 5, got
    assert got.get(401, 0) + got.get(429, 0) + got.get(200, 0) == 40
    assert got.get(429, 0) >= 34, got
    for r in results:
        if r.status_code == 429:
            assert_429(r, 300)
    # the failures that were evaluated count on: the limit is reached at five
    assert fill_up(lambda: login(server, c.username, WRONG), got.get(401, 0), 5) == 5
    assert_429(login(server, c.username, c.password), 300)


def fill_up(attempt, failures, limit):
    """Makes attempts one by one until the first 429; the number of
    attempts (failed logins, registrations) then counted."""
    for _ in range(limit + 1):
        r = attempt()
        if r.status_code == 429:
            return failures
        assert r.status_code in (201, 401, 403), r.text
        failures += 1
    return failures


@pytest.fixture(scope="module")
def low_server():
    """Low per-address limits: 10 failed logins, 5 registrations (their
    rows have different keys, so the tests do not disturb each other)."""
    yield from extra_server("PampsLoginThrottle 100 10 300\nPampsRegisterLimit 5 600\n")


@pytest.fixture
def low(low_server):
    yield from checked(low_server)


def test_parallel_logins_from_one_address_hold_its_limit(low):
    # 40 at once: below the test server's 64 workers
    calls = [lambda: login(low, unique("ghost"), WRONG)] * 40
    got = codes(in_parallel(calls))
    assert set(got) <= {401, 429}, got
    assert got.get(401, 0) <= 10, got
    assert got.get(429, 0) >= 30, got
    assert fill_up(lambda: login(low, unique("ghost"), WRONG), got.get(401, 0), 10) == 10
    assert_429(login(low, unique("ghost"), WRONG), 300)


# --- password change --------------------------------------------------------

def change_password(user, current, new="brand-new-pass-1"):
    return user.put("/users/me/password",
                    json={"current_password": current, "new_password": new})


def test_wrong_current_passwords_lock_the_password_change(server):
    user = new_user(server)
    for _ in range(5):
        assert change_password(user, WRONG).status_code == 403
    assert_429(change_password(user, WRONG), 300)
    # locked even with the right password, which stays the old one
    assert_429(change_password(user, user.password), 300)
    # and they were failed logins of the account: login is locked too
    assert_429(login(server, user.username, user.password), 300)
    assert user.get("/users/me").status_code == 200


def test_wrong_current_passwords_and_logins_count_together(server):
    user = new_user(server)
    for _ in range(3):
        assert login(server, user.username, WRONG).status_code == 401
    for _ in range(2):
        assert change_password(user, WRONG).status_code == 403
    assert_429(change_password(user, user.password), 300)


def test_parallel_password_changes_evaluate_at_most_five(server):
    user = new_user(server)
    got = codes(in_parallel([lambda: change_password(user, WRONG)] * 20))
    assert set(got) <= {403, 429}, got
    assert got.get(403, 0) <= 5, got
    assert got.get(429, 0) >= 15, got
    assert fill_up(lambda: change_password(user, WRONG), got.get(403, 0), 5) == 5
    assert_429(change_password(user, user.password), 300)


def test_a_right_current_password_is_not_a_failure(server):
    user = new_user(server)
    for _ in range(4):
        assert login(server, user.username, WRONG).status_code == 401
    assert change_password(user, user.password).status_code == 204
    assert login(server, user.username, "brand-new-pass-1").status_code == 200


# --- registration -----------------------------------------------------------

def registration(server, name=None):
    name = name or unique("reg")
    return Client(server).post("/auth/register", json={
        "username": name, "email": name + "@example.com", "password": "password123"})


def test_registrations_per_address_are_limited(low):
    results = in_parallel([lambda: registration(low)] * 20)
    got = codes(results)
    assert set(got) <= {201, 429}, got
    assert got.get(201, 0) <= 5, got
    assert got.get(429, 0) >= 15, got
    for r in results:
        if r.status_code == 429:
            assert_429(r, 600)
    # a refused registration made no account
    assert db_rows(low, "SELECT COUNT(*) FROM users") == [(got.get(201, 0),)]
    # parallel ones refused each other; one by one, the limit is reached at five
    assert fill_up(lambda: registration(low), got.get(201, 0), 5) == 5
    assert_429(registration(low), 600)


# --- purging ----------------------------------------------------------------

LONG_AGO = "2000-01-01T00:00:00Z"


def test_expired_refresh_rows_are_purged_and_live_ones_stay(server):
    user = new_user(server)
    for i in range(250):
        server.sql("INSERT INTO refresh_tokens (jti, user_id, family, expires_at, created_at)"
                   " VALUES (?, ?, ?, ?, ?)",
                   ("old-%s-%d" % (user.username, i), user.id, "old-" + user.username,
                    LONG_AGO, LONG_AGO))
    old = "SELECT COUNT(*) FROM refresh_tokens WHERE family = ?"
    # each login removes a bounded number of them
    login(server, user.username, user.password)
    assert 150 <= db_rows(server, old, ("old-" + user.username,))[0][0] < 250
    for _ in range(3):
        login(server, user.username, user.password)
    assert db_rows(server, old, ("old-" + user.username,)) == [(0,)]
    # the live tokens still work, and reuse of a rotated one is still caught
    r = Client(server).post("/auth/refresh", json={"refresh_token": user.refresh})
    assert r.status_code == 200, r.text
    newer = r.json()["refresh_token"]
    assert Client(server).post("/auth/refresh",
                               json={"refresh_token": user.refresh}).status_code == 401
    assert Client(server).post("/auth/refresh",
                               json={"refresh_token": newer}).status_code == 401


def test_old_failure_rows_are_purged(server):
    key = "name:" + unique("gone")
    for _ in range(250):
        server.sql("INSERT INTO login_failures (key, failed_at) VALUES (?, ?)",
                   (key, LONG_AGO))
    user = new_user(server)
    for _ in range(3):
        login(server, user.username, user.password)
    assert db_rows(server, "SELECT COUNT(*) FROM login_failures WHERE key = ?",
                   (key,)) == [(0,)]
    # recent failures are kept: they still lock
    for _ in range(5):
        assert login(server, user.username, WRONG).status_code == 401
    assert_429(login(server, user.username, user.password), 300)

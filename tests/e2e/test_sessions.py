"""A login ends at once (API.md Settled details): logout, and the reuse of
a rotated refresh token, end that login's access tokens too, not only its
refresh tokens; another login of the same user goes on. A refresh rotates
the login without ending it, also for requests running while it happens."""
import threading
from concurrent.futures import ThreadPoolExecutor

from pampsenv import Client, jwt_parts, jwt_sign, server_key


def login(client):
    r = Client(client.server).post("/auth/login", json={"username": client.username,
                                                        "password": client.password})
    assert r.status_code == 200, r.text
    return r.json()


def refresh(server, token):
    return Client(server).post("/auth/refresh", json={"refresh_token": token})


def me(server, access):
    return Client(server).get("/users/me", token=access)


def assert_ended(server, access):
    r = me(server, access)
    assert r.status_code == 401, r.text
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]


def test_logout_ends_that_logins_access_token_at_once(server, user):
    second = login(user)
    r = user.post("/auth/logout", json={"refresh_token": user.refresh})
    assert r.status_code == 204, r.text
    assert_ended(server, user.access)
    assert Client(server).post("/tasks", token=user.access,
                               json={"title": "x"}).status_code == 401
    # the other login of the same user goes on, refresh included
    assert me(server, second["access_token"]).status_code == 200
    assert refresh(server, second["refresh_token"]).status_code == 200
    # logging out again with the ended login's refresh token is 204 and
    # changes nothing for the other login
    r = Client(server).post("/auth/logout", token=second["access_token"],
                            json={"refresh_token": user.refresh})
    assert r.status_code == 204, r.text
    assert me(server, second["access_token"]).status_code == 200


def test_logout_ends_every_access_token_of_the_rotation_chain(server, user):
    first_access = user.access
    t = refresh(server, user.refresh).json()
    t = refresh(server, t["refresh_token"]).json()
    assert me(server, first_access).status_code == 200      # rotation keeps the login
    r = Client(server).post("/auth/logout", token=t["access_token"],
                            json={"refresh_token": t["refresh_token"]})
    assert r.status_code == 204, r.text
    assert_ended(server, first_access)
    assert_ended(server, t["access_token"])


def test_logout_with_a_rotated_token_ends_the_login(server, user):
    t = refresh(server, user.refresh).json()
    r = Client(server).post("/auth/logout", token=t["access_token"],
                            json={"refresh_token": user.refresh})
    assert r.status_code == 204, r.text
    assert_ended(server, t["access_token"])
    assert refresh(server, t["refresh_token"]).status_code == 401


def test_refresh_reuse_ends_the_chains_access_tokens(server, user):
    other_login = login(user)
    t = refresh(server, user.refresh).json()
    assert me(server, t["access_token"]).status_code == 200
    assert refresh(server, user.refresh).status_code == 401      # reuse
    assert_ended(server, user.access)
    assert_ended(server, t["access_token"])
    assert me(server, other_login["access_token"]).status_code == 200


def test_access_tokens_name_their_login(server, user):
    access, refresh_claims = jwt_parts(user.access)[1], jwt_parts(user.refresh)[1]
    assert access["fam"] == refresh_claims["fam"]
    t = refresh(server, user.refresh).json()
    assert jwt_parts(t["access_token"])[1]["fam"] == refresh_claims["fam"]
    assert login(user)["refresh_token"] != user.refresh
    assert jwt_parts(login(user)["access_token"])[1]["fam"] != refresh_claims["fam"]


def test_access_token_of_an_unknown_login_is_401(server, user):
    # signed with the server's key, but naming a login that was never made
    # (or another user's): it has no live refresh token of this user
    claims = dict(jwt_parts(user.access)[1], fam="0" * 32)
    assert_ended(server, jwt_sign(claims, server_key(server)))


def test_access_token_from_before_logins_were_named_still_works(server, user):
    """Decided: a token without `fam` was issued before this version and is
    accepted as then, until its exp (at most the access TTL after upgrading)."""
    claims = jwt_parts(user.access)[1]
    del claims["fam"]
    assert me(server, jwt_sign(claims, server_key(server))).status_code == 200


def test_requests_during_rotations_keep_working(server, user):
    """Readers use the login's access tokens while the login is refreshed
    again and again: no rotation ever makes the login look ended."""
    readers, rounds = 6, 15
    start = threading.Barrier(readers + 1)
    done = threading.Event()
    tokens = [user.access]

    def read(_):
        c = Client(server)
        start.wait(timeout=30)
        codes = []
        # bounded: stops when the rotations are over, or after 500 requests
        while not done.is_set() and len(codes) < 500:
            codes.append(c.get("/users/me", token=tokens[-1 - len(codes) % len(tokens)])
                         .status_code)
        return codes

    def rotate():
        token = user.refresh
        start.wait(timeout=30)
        try:
            for _ in range(rounds):
                r = refresh(server, token)
                assert r.status_code == 200, r.text
                token = r.json()["refresh_token"]
                tokens.append(r.json()["access_token"])
        finally:
            done.set()

    with ThreadPoolExecutor(max_workers=readers + 1) as pool:
        rotation = pool.submit(rotate)
        results = list(pool.map(read, range(readers)))
        rotation.result()
    codes = [c for r in results for c in r]
    assert codes and set(codes) == {200}, sorted(set(codes))
    # every access token of the chain still works after the last rotation
    assert {me(server, t).status_code for t in tokens} == {200}

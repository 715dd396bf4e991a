"""Forged and altered bearer tokens, built by hand: every one is 401 with
`Bearer error="invalid_token"`. A token re-signed with the server's own key
and unchanged claims is accepted, which shows the others fail only for the
one thing each changes."""
import time

import pytest

from pampsenv import (Client, b64url, b64url_decode, checked, extra_server, jwt_parts,
                      jwt_sign, new_user, server_key)

OTHER_KEY = b"some-other-secret-that-is-long-enough-for-hmac!!"


def assert_invalid_token(r):
    assert r.status_code == 401, r.text
    assert isinstance(r.json()["detail"], str)
    challenge = r.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer")
    assert 'error="invalid_token"' in challenge


def me(server, token):
    return Client(server).get("/users/me", token=token)


def claims_of(user):
    return jwt_parts(user.access)[1]


def test_resigned_token_with_same_claims_is_accepted(server, user):
    token = jwt_sign(claims_of(user), server_key(server))
    r = me(server, token)
    assert r.status_code == 200, r.text
    assert r.json()["id"] == user.id


def test_alg_none_is_401(server, user):
    assert_invalid_token(me(server, jwt_sign(claims_of(user), b"", alg="none")))
    # with the original signature left on, and with the header spelled "None"
    head, body, sig = user.access.split(".")
    none_head = b64url(b'{"alg":"none","typ":"JWT"}')
    assert_invalid_token(me(server, none_head + "." + body + "." + sig))
    assert_invalid_token(me(server, jwt_sign(claims_of(user), b"", alg="none",
                                             header={"alg": "None"})))


def test_tampered_signature_is_401(server, user):
    head, body, sig = user.access.split(".")
    raw = bytearray(b64url_decode(sig))
    raw[len(raw) // 2] ^= 0x01
    assert_invalid_token(me(server, head + "." + body + "." + b64url(bytes(raw))))
    assert_invalid_token(me(server, head + "." + body + "."))
    assert_invalid_token(me(server, head + "." + body))


def test_tampered_payload_is_401(server, user, other):
    head, _body, sig = user.access.split(".")
    claims = claims_of(user)
    claims["sub"] = str(other.id)
    forged_body = jwt_sign(claims, server_key(server)).split(".")[1]
    assert_invalid_token(me(server, head + "." + forged_body + "." + sig))


def test_other_key_is_401(server, user):
    assert_invalid_token(me(server, jwt_sign(claims_of(user), OTHER_KEY)))


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
def test_other_algorithm_is_401_with_any_key(server, user, alg):
    assert_invalid_token(me(server, jwt_sign(claims_of(user), OTHER_KEY, alg=alg)))
    # with the server's own secret too: the algorithm is pinned
    assert_invalid_token(me(server, jwt_sign(claims_of(user), server_key(server), alg=alg)))


def test_header_alg_lying_about_the_signature_is_401(server, user):
    # HS512 MAC under a header that says HS256
    token = jwt_sign(claims_of(user), server_key(server), alg="HS512",
                     header={"alg": "HS256", "typ": "JWT"})
    assert_invalid_token(me(server, token))


def test_expired_token_with_a_wrong_key_is_401(server, user):
    claims = claims_of(user)
    claims["iat"] = int(time.time()) - 7200
    claims["exp"] = int(time.time()) - 3600
    assert_invalid_token(me(server, jwt_sign(claims, OTHER_KEY)))


def test_expired_token_with_the_right_key_is_401(server, user):
    claims = claims_of(user)
    claims["iat"] = int(time.time()) - 7200
    claims["exp"] = int(time.time()) - 3600
    assert_invalid_token(me(server, jwt_sign(claims, server_key(server))))


def test_token_without_exp_is_401(server, user):
    claims = claims_of(user)
    del claims["exp"]
    assert_invalid_token(me(server, jwt_sign(claims, server_key(server))))


@pytest.mark.parametrize("kind", ["refresh", "", "ACCESS", None])
def test_wrong_type_claim_is_401(server, user, kind):
    claims = claims_of(user)
    if kind is None:
        del claims["type"]
    else:
        claims["type"] = kind
    assert_invalid_token(me(server, jwt_sign(claims, server_key(server))))


@pytest.mark.parametrize("sub", ["999999999", "0", "-1", "abc", "", None])
def test_bad_or_unknown_subject_is_401(server, user, sub):
    claims = claims_of(user)
    if sub is None:
        del claims["sub"]
    else:
        claims["sub"] = sub
    assert_invalid_token(me(server, jwt_sign(claims, server_key(server))))


def test_refresh_token_as_bearer_is_401(server, user):
    assert_invalid_token(me(server, user.refresh))


@pytest.mark.parametrize("token", ["abc", "a.b", "a.b.c", "a.b.c.d", "...", "Bearer",
                                   "eyJhbGciOiJIUzI1NiJ9", "\u00e9\u00e9.\u00e9.\u00e9"])
def test_malformed_tokens_are_401(server, token):
    r = Client(server).get("/users/me", headers={"Authorization": "Bearer " + token})
    assert_invalid_token(r)


def test_token_in_other_places_is_not_read(server, user):
    r = Client(server).get("/users/me", params={"access_token": user.access})
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    r = Client(server).get("/users/me", headers={"Authorization": user.access})
    assert r.status_code == 401


def test_bearer_scheme_is_case_insensitive(server, user):
    r = Client(server).get("/users/me", headers={"Authorization": "bearer " + user.access})
    assert r.status_code == 200, r.text
    assert r.json()["id"] == user.id


def test_token_of_another_user_gives_that_user(server, user, other):
    # sanity: tokens really identify their subject
    assert me(server, user.access).json()["id"] == user.id
    assert me(server, other.access).json()["id"] == other.id


# --- a server with HS512 and an issuer -------------------------------------

ISSUER = "https://issuer.pamps.test"


@pytest.fixture(scope="module")
def hs512_server():
    yield from extra_server("PampsAlgorithm HS512\nPampsIssuer %s\n" % ISSUER)


@pytest.fixture
def hs512(hs512_server):
    yield from checked(hs512_server)


def test_configured_algorithm_and_issuer_are_used(hs512):
    u = new_user(hs512)
    for token, kind in ((u.access, "access"), (u.refresh, "refresh")):
        header, claims = jwt_parts(token)
        assert header["alg"] == "HS512"
        assert claims["iss"] == ISSUER
        assert claims["type"] == kind
    assert me(hs512, u.access).status_code == 200
    r = Client(hs512).post("/auth/refresh", json={"refresh_token": u.refresh})
    assert r.status_code == 200, r.text
    assert jwt_parts(r.json()["access_token"])[0]["alg"] == "HS512"


def test_hs512_server_accepts_a_resigned_token(hs512):
    u = new_user(hs512)
    r = me(hs512, jwt_sign(claims_of(u), server_key(hs512), alg="HS512"))
    assert r.status_code == 200, r.text


def test_hs512_server_refuses_hs256_with_its_own_key(hs512):
    u = new_user(hs512)
    assert_invalid_token(me(hs512, jwt_sign(claims_of(u), server_key(hs512), alg="HS256")))
    assert_invalid_token(me(hs512, jwt_sign(claims_of(u), b"", alg="none")))


@pytest.mark.parametrize("iss", [None, "", "https://evil.example", ISSUER + "/"])
def test_wrong_or_missing_issuer_is_401(hs512, iss):
    u = new_user(hs512)
    claims = claims_of(u)
    if iss is None:
        del claims["iss"]
    else:
        claims["iss"] = iss
    assert_invalid_token(me(hs512, jwt_sign(claims, server_key(hs512), alg="HS512")))


def test_tokens_do_not_cross_servers(server, hs512):
    u = new_user(server)
    v = new_user(hs512)
    assert_invalid_token(me(hs512, u.access))
    assert_invalid_token(me(server, v.access))
    r = Client(server).post("/auth/refresh", json={"refresh_token": v.refresh})
    assert r.status_code == 401


def test_refresh_with_forged_refresh_tokens_is_401(server, user):
    claims = jwt_parts(user.refresh)[1]
    for token in (jwt_sign(claims, OTHER_KEY),
                  jwt_sign(claims, b"", alg="none"),
                  jwt_sign(claims, server_key(server), alg="HS512")):
        r = Client(server).post("/auth/refresh", json={"refresh_token": token})
        assert_invalid_token(r)
    expired = dict(claims, exp=int(time.time()) - 60)
    r = Client(server).post("/auth/refresh",
                            json={"refresh_token": jwt_sign(expired, server_key(server))})
    assert_invalid_token(r)
    # none of those consumed the real one
    r = Client(server).post("/auth/refresh", json={"refresh_token": user.refresh})
    assert r.status_code == 200, r.text

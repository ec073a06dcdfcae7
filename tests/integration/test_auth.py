"""Authentication: logins, sessions, tokens and the attacks on them, roles, limits."""

from __future__ import annotations

import asyncio
import base64
import json
import sqlite3
import stat
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge_gateway.settings import AuthSettings, Settings
from tests.conftest import Gateway, graphql, initial_admin_password, login

ME = "{ me { kind name role user { username } } }"
# Meets the policy for every user name the tests use.
USER_PASSWORD = "Correct-Horse-Battery-9"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def me(http: httpx.AsyncClient, token: str) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": ME}, headers=bearer(token))
    body: dict[str, Any] = response.json()
    return body


def code_of(answer: dict[str, Any]) -> str:
    return str(answer["errors"][0]["extensions"]["code"])


async def create_user(client: httpx.AsyncClient, name: str, role: str) -> str:
    answer = await graphql(
        client,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
        {"i": {"username": name, "password": USER_PASSWORD, "role": role}},
    )
    assert "errors" not in answer, answer
    return str(answer["data"]["createUser"]["id"])


async def token_for(anonymous: httpx.AsyncClient, name: str) -> str:
    session = await login(anonymous, name, USER_PASSWORD)
    return str(session["accessToken"])


def signing_key(settings: Settings) -> tuple[str, Ed25519PrivateKey]:
    entries = json.loads((settings.state_dir / "signing-keys.json").read_text())["keys"]
    newest = entries[-1]
    key = serialization.load_pem_private_key(newest["key"].encode(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return newest["kid"], key


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "user:1",
        "name": "admin",
        "role": "ADMIN",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "iss": "edge-gateway",
        "aud": "edge-gateway",
        "jti": "test-jti",
        "sid": "test-session",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


# --- first start ---------------------------------------------------------------


async def test_first_start_creates_admin_with_an_owner_only_password_file(
    gateway: Gateway, anonymous: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
):
    path = gateway.settings.state_dir / "initial-admin-password"
    password = initial_admin_password(gateway.settings)

    session = await login(anonymous, "admin", password)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert session["user"] == {"id": "1", "username": "admin", "role": "ADMIN"}
    assert password not in caplog.text


async def test_changing_the_first_password_removes_its_file(
    gateway: Gateway, client: httpx.AsyncClient
):
    old = initial_admin_password(gateway.settings)

    answer = await graphql(
        client,
        "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }",
        {"c": old, "n": "a-much-better-passphrase-7"},
    )

    assert answer == {"data": {"changePassword": True}}
    assert not (gateway.settings.state_dir / "initial-admin-password").exists()


async def test_passwords_are_stored_as_argon2id_hashes(gateway: Gateway, client):
    await create_user(client, "tech", "OPERATOR")

    with sqlite3.connect(gateway.settings.database_path) as db:
        hashes = [row[0] for row in db.execute("SELECT password_hash FROM users")]

    assert len(hashes) == 2
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any(USER_PASSWORD in h for h in hashes)


# --- login, refresh, logout ------------------------------------------------------


async def test_a_wrong_password_or_unknown_user_is_unauthenticated(anonymous):
    query = 'mutation($u: String!) { login(username: $u, password: "nope-nope-nope") { accessToken } }'

    wrong = await graphql(anonymous, query, {"u": "admin"})
    unknown = await graphql(anonymous, query, {"u": "nobody"})

    assert code_of(wrong) == code_of(unknown) == "UNAUTHENTICATED"
    assert wrong["errors"][0]["message"] == unknown["errors"][0]["message"]


async def test_access_token_carries_the_required_claims_and_a_kid(gateway, anonymous):
    session = await login(anonymous, "admin", initial_admin_password(gateway.settings))

    header = jwt.get_unverified_header(session["accessToken"])
    payload = jwt.decode(session["accessToken"], options={"verify_signature": False})

    assert header["alg"] == "EdDSA" and header["kid"]
    assert {"sub", "role", "iat", "nbf", "exp", "iss", "aud", "jti"} <= set(payload)
    assert payload["exp"] - payload["iat"] == 900
    assert session["expiresIn"] == 900 and session["tokenType"] == "Bearer"


async def test_refresh_rotates_and_a_reused_token_revokes_its_family(
    gateway, anonymous
):
    first = await login(anonymous, "admin", initial_admin_password(gateway.settings))
    refresh = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }"

    second = await graphql(anonymous, refresh, {"t": first["refreshToken"]})
    reused = await graphql(anonymous, refresh, {"t": first["refreshToken"]})
    after_reuse = await graphql(
        anonymous, refresh, {"t": second["data"]["refreshToken"]["refreshToken"]}
    )

    assert second["data"]["refreshToken"]["refreshToken"] != first["refreshToken"]
    assert code_of(reused) == "UNAUTHENTICATED"
    assert code_of(after_reuse) == "UNAUTHENTICATED"
    with sqlite3.connect(gateway.settings.database_path) as db:
        types = [row[0] for row in db.execute("SELECT type FROM events")]
    assert "auth.refresh_token_reuse" in types


async def test_logout_ends_the_access_token_and_its_refresh_tokens(gateway, anonymous):
    session = await login(anonymous, "admin", initial_admin_password(gateway.settings))

    out = await anonymous.post(
        "/graphql",
        json={"query": "mutation { logout }"},
        headers=bearer(session["accessToken"]),
    )
    after = await me(anonymous, session["accessToken"])
    refreshed = await graphql(
        anonymous,
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
        {"t": session["refreshToken"]},
    )

    assert out.json() == {"data": {"logout": True}}
    assert code_of(after) == "UNAUTHENTICATED"
    assert code_of(refreshed) == "UNAUTHENTICATED"


async def test_me_tells_who_the_token_stands_for(client: httpx.AsyncClient):
    answer = await graphql(client, ME)

    assert answer == {
        "data": {
            "me": {
                "kind": "USER",
                "name": "admin",
                "role": "ADMIN",
                "user": {"username": "admin"},
            }
        }
    }


async def test_oauth2_password_form_gives_a_bearer_token(gateway, anonymous):
    password = initial_admin_password(gateway.settings)

    response = await anonymous.post(
        "/api/auth/token", data={"username": "admin", "password": password}
    )
    bad = await anonymous.post(
        "/api/auth/token", data={"username": "admin", "password": "wrong-wrong-wrong"}
    )

    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
    assert (await me(anonymous, response.json()["access_token"]))["data"]["me"][
        "name"
    ] == "admin"
    assert bad.status_code == 401 and bad.json()["code"] == "UNAUTHENTICATED"
    assert bad.headers["www-authenticate"] == "Bearer"


# --- attacks on tokens -------------------------------------------------------------


def forged_tokens(settings: Settings) -> dict[str, str]:
    kid, key = signing_key(settings)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def sign(payload, **kw):
        return jwt.encode(payload, key, algorithm="EdDSA", headers={"kid": kid, **kw})

    valid = sign(claims())
    head, body, signature = valid.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    none_header = (
        base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": kid}).encode())
        .decode()
        .rstrip("=")
    )
    now = int(time.time())
    return {
        "alg none": f"{none_header}.{body}.",
        "HS256 with the public key": _hs256(claims(), public_pem, kid),
        "wrong audience": sign(claims(aud="someone-else")),
        "wrong issuer": sign(claims(iss="evil")),
        "expired": sign(claims(iat=now - 3600, nbf=now - 3600, exp=now - 1800)),
        "not yet valid": sign(claims(nbf=now + 3600)),
        "tampered signature": f"{head}.{body}.{flipped}",
        "tampered claims": f"{head}.{_b64(claims(role='ADMIN', sub='user:1', name='x'))}.{signature}",
        "unknown kid": jwt.encode(
            claims(),
            Ed25519PrivateKey.generate(),
            algorithm="EdDSA",
            headers={"kid": "0000"},
        ),
        "missing jti": sign(claims(jti=None)),
        "garbage": "not.a.token",
    }


def _hs256(payload: dict[str, Any], secret: bytes, kid: str) -> str:
    import hashlib
    import hmac

    header = _b64({"alg": "HS256", "typ": "JWT", "kid": kid})
    body = _b64(payload)
    mac = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


async def test_a_token_signed_with_our_key_but_valid_claims_works(gateway, anonymous):
    kid, key = signing_key(gateway.settings)

    answer = await me(
        anonymous, jwt.encode(claims(), key, algorithm="EdDSA", headers={"kid": kid})
    )

    assert answer["data"]["me"]["name"] == "admin"


async def test_forged_and_broken_tokens_are_unauthenticated(gateway, anonymous):
    for attack, token in forged_tokens(gateway.settings).items():
        answer = await me(anonymous, token)

        assert code_of(answer) == "UNAUTHENTICATED", attack
        assert answer["data"] is None, attack


async def test_a_token_of_a_deleted_or_disabled_user_is_unauthenticated(
    client, anonymous
):
    gone_id = await create_user(client, "leaver", "VIEWER")
    off_id = await create_user(client, "suspended", "VIEWER")
    gone, off = (
        await token_for(anonymous, "leaver"),
        await token_for(anonymous, "suspended"),
    )

    await graphql(client, 'mutation { deleteUser(id: "%s") }' % gone_id)
    await graphql(
        client,
        'mutation { updateUser(id: "%s", input: {isDisabled: true}) { id } }' % off_id,
    )

    assert code_of(await me(anonymous, gone)) == "UNAUTHENTICATED"
    assert code_of(await me(anonymous, off)) == "UNAUTHENTICATED"


async def test_missing_or_malformed_authorization_is_unauthenticated(anonymous):
    missing = await anonymous.post("/graphql", json={"query": ME})
    basic = await anonymous.post(
        "/graphql", json={"query": ME}, headers={"Authorization": "Basic YTpi"}
    )

    assert code_of(missing.json()) == "UNAUTHENTICATED"
    assert code_of(basic.json()) == "UNAUTHENTICATED"
    assert "Bearer" in basic.json()["errors"][0]["message"]


async def test_rotated_keys_still_verify_tokens_they_signed(gateway, client, anonymous):
    from datetime import timedelta

    from edge_gateway.auth.keys import KeyRing

    old_token = client.headers["Authorization"].removeprefix("Bearer ")
    ring = KeyRing(gateway.settings.state_dir, keep_retired=timedelta(minutes=20))

    ring.rotate()
    new_session = await login(
        anonymous, "admin", initial_admin_password(gateway.settings)
    )

    assert len(ring.kids()) == 2
    assert (
        jwt.get_unverified_header(new_session["accessToken"])["kid"] == ring.kids()[-1]
    )
    assert (await me(anonymous, old_token))["data"]["me"]["name"] == "admin"
    assert (await me(anonymous, new_session["accessToken"]))["data"]["me"][
        "name"
    ] == "admin"


# --- service tokens ------------------------------------------------------------------


async def test_service_tokens_work_until_revoked(gateway, client, anonymous):
    created = await graphql(
        client,
        'mutation { createServiceToken(name: "control-plane") { token serviceToken { id role } } }',
    )
    token = created["data"]["createServiceToken"]["token"]
    token_id = created["data"]["createServiceToken"]["serviceToken"]["id"]

    before = await me(anonymous, token)
    await graphql(
        client, 'mutation { revokeServiceToken(id: "%s") { revokedAt } }' % token_id
    )
    after = await me(anonymous, token)
    listed = await graphql(client, "{ serviceTokens { name revokedAt } }")

    assert before["data"]["me"] == {
        "kind": "SERVICE",
        "name": "control-plane",
        "role": "SERVICE",
        "user": None,
    }
    assert code_of(after) == "UNAUTHENTICATED"
    assert listed["data"]["serviceTokens"][0]["revokedAt"]
    assert token not in json.dumps(listed)
    with sqlite3.connect(gateway.settings.database_path) as db:
        stored = [row[0] for row in db.execute("SELECT token_hash FROM service_tokens")]
        events = [row for row in db.execute("SELECT type, payload FROM events")]
    assert token not in stored
    assert ("auth.revoked_token_used", '{"token": "control-plane"}') in events


async def test_the_service_role_reads_and_operates_but_manages_no_users(
    client, anonymous
):
    created = await graphql(
        client, 'mutation { createServiceToken(name: "cp") { token } }'
    )
    headers = bearer(created["data"]["createServiceToken"]["token"])

    reads = await anonymous.post(
        "/graphql", json={"query": "{ cameras { totalCount } }"}, headers=headers
    )
    users = await anonymous.post(
        "/graphql", json={"query": "{ users { id } }"}, headers=headers
    )

    assert reads.json() == {"data": {"cameras": {"totalCount": 0}}}
    assert code_of(users.json()) == "FORBIDDEN"


# --- roles -----------------------------------------------------------------------------


async def test_each_role_may_do_what_it_grants_and_no_more(client, anonymous):
    await create_user(client, "viewer", "VIEWER")
    await create_user(client, "operator", "OPERATOR")
    camera = await graphql(
        client,
        'mutation { addCamera(input: {name: "Dome", driver: "simulated"}) { id } }',
    )
    cid = camera["data"]["addCamera"]["id"]
    operations = {
        "read": "{ cameras { totalCount } }",
        "drive": f'mutation {{ ptzStop(cameraId: "{cid}") {{ isMoving }} }}',
        "configure": 'mutation { addCamera(input: {name: "X%s", driver: "simulated"}) { id } }',
        "manage users": "{ users { id } }",
    }
    allowed = {
        "viewer": {"read"},
        "operator": {"read", "drive"},
    }

    for user, may in allowed.items():
        token = await token_for(anonymous, user)
        for name, query in operations.items():
            response = await anonymous.post(
                "/graphql",
                json={"query": query.replace("%s", user)},
                headers=bearer(token),
            )
            errors = response.json().get("errors", [])
            codes = {e["extensions"]["code"] for e in errors}
            if name in may:
                assert "FORBIDDEN" not in codes, (user, name, errors)
            else:
                assert codes == {"FORBIDDEN"}, (user, name, errors)


async def test_without_a_token_only_login_and_refresh_answer(anonymous):
    answer = await graphql(anonymous, "{ cameras { totalCount } }")
    snapshot = await anonymous.get("/api/cameras/1/snapshot.jpg")
    health = await anonymous.get("/healthz")

    assert code_of(answer) == "UNAUTHENTICATED"
    assert snapshot.status_code == 401 and snapshot.json()["code"] == "UNAUTHENTICATED"
    assert health.status_code == 200


def test_every_root_field_declares_who_may_call_it():
    from graphql import GraphQLObjectType

    from edge_gateway.graphql.executable import build_schema

    schema = build_schema()
    roots = [schema.query_type, schema.mutation_type, schema.subscription_type]
    unruled = []
    for root in roots:
        if not isinstance(root, GraphQLObjectType):
            continue
        for name, field in root.fields.items():
            directives = {
                d.name.value
                for d in (field.ast_node.directives if field.ast_node else [])
            }
            if not directives & {"requires", "public"}:
                unruled.append(f"{root.name}.{name}")

    assert unruled == []
    public = {
        f"{root.name}.{name}"
        for root in roots
        if root
        for name, field in root.fields.items()
        if field.ast_node
        and any(d.name.value == "public" for d in field.ast_node.directives)
    }
    assert public == {"Mutation.login", "Mutation.refreshToken"}


# --- users through GraphQL -----------------------------------------------------------


async def test_admins_manage_users(client: httpx.AsyncClient):
    user_id = await create_user(client, "night-shift", "VIEWER")

    promoted = await graphql(
        client,
        'mutation { updateUser(id: "%s", input: {role: OPERATOR, username: "night"}) { username role } }'
        % user_id,
    )
    listed = await graphql(client, "{ users { username role isDisabled } }")
    deleted = await graphql(client, 'mutation { deleteUser(id: "%s") }' % user_id)

    assert promoted["data"]["updateUser"] == {"username": "night", "role": "OPERATOR"}
    assert {"username": "night", "role": "OPERATOR", "isDisabled": False} in listed[
        "data"
    ]["users"]
    assert deleted == {"data": {"deleteUser": user_id}}
    assert "password" not in json.dumps(listed).lower()


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "must have at least 12 characters"),
        ("aaaaaaaaaaaaaaa", "must use at least 5 different characters"),
        ("xx-newbie-2024-xx", "must not contain the user name"),
    ],
)
async def test_the_password_policy_names_the_problem(client, password, problem):
    answer = await graphql(
        client,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
        {"i": {"username": "newbie", "password": password, "role": "VIEWER"}},
    )

    assert code_of(answer) == "BAD_USER_INPUT"
    assert answer["errors"][0]["extensions"]["fields"] == {"password": problem}


async def test_the_last_admin_cannot_be_removed_or_demoted(client):
    demoted = await graphql(
        client, 'mutation { updateUser(id: "1", input: {role: VIEWER}) { id } }'
    )
    deleted = await graphql(client, 'mutation { deleteUser(id: "1") }')

    assert code_of(demoted) == code_of(deleted) == "BAD_USER_INPUT"


async def test_user_names_are_unique_in_any_case(client):
    await create_user(client, "Alice", "VIEWER")

    answer = await graphql(
        client,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
        {"i": {"username": "alice", "password": "another-Secret-9", "role": "VIEWER"}},
    )

    assert answer["errors"][0]["extensions"]["fields"] == {"username": "already in use"}


# --- rate limits and security events ------------------------------------------------


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Limits small enough for a test to cross."""
    return settings.model_copy(
        update={
            "auth": AuthSettings(
                login_attempts_per_user="3 per minute",
                login_attempts_per_address="10 per minute",
                operations_per_identity="40 per minute",
            )
        }
    )


async def test_failed_logins_lock_the_user_name_out(gateway, anonymous):
    query = 'mutation($p: String!) { login(username: "admin", password: $p) { accessToken } }'
    password = initial_admin_password(gateway.settings)

    failures = [
        await graphql(anonymous, query, {"p": "wrong-guess-%d" % n}) for n in range(3)
    ]
    response = await anonymous.post(
        "/graphql", json={"query": query, "variables": {"p": password}}
    )
    locked = response.json()

    assert [code_of(f) for f in failures] == ["UNAUTHENTICATED"] * 3
    assert code_of(locked) == "RATE_LIMITED"
    retry_after = locked["errors"][0]["extensions"]["retryAfter"]
    assert 1 <= retry_after <= 60
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) == retry_after
    with sqlite3.connect(gateway.settings.database_path) as db:
        events = [(r[0], r[1]) for r in db.execute("SELECT type, payload FROM events")]
    assert [t for t, _ in events].count("auth.login_failed") == 3
    assert "auth.lockout" in [t for t, _ in events]
    assert not any(
        "wrong-guess" in payload or password in payload for _, payload in events
    )


async def test_too_many_operations_are_rate_limited_with_retry_after(client):
    responses = [
        await client.post("/graphql", json={"query": "{ drivers { name } }"})
        for _ in range(45)
    ]

    limited = [r for r in responses if r.status_code == 429]
    assert 1 <= len(limited) <= 6
    body = limited[0].json()
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert (
        int(limited[0].headers["retry-after"])
        == body["errors"][0]["extensions"]["retryAfter"]
        >= 1
    )


async def test_a_burst_of_simultaneous_guesses_is_counted_before_checking(
    gateway, anonymous
):
    """Guesses sent together once all passed the lock-out test before any counted."""
    query = 'mutation($p: String!) { login(username: "admin", password: $p) { accessToken } }'
    password = initial_admin_password(gateway.settings)
    guesses = [f"wrong-guess-{n}" for n in range(11)] + [password]

    answers = await asyncio.gather(
        *(graphql(anonymous, query, {"p": p}) for p in guesses)
    )

    codes = [code_of(a) if "errors" in a else "OK" for a in answers]
    assert codes.count("UNAUTHENTICATED") + codes.count("OK") <= 3
    assert codes.count("RATE_LIMITED") >= 9


async def test_logout_ends_every_access_token_of_the_session(gateway, anonymous):
    first = await login(anonymous, "admin", initial_admin_password(gateway.settings))
    refreshed = await graphql(
        anonymous,
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
        {"t": first["refreshToken"]},
    )
    second = refreshed["data"]["refreshToken"]["accessToken"]

    await anonymous.post(
        "/graphql", json={"query": "mutation { logout }"}, headers=bearer(second)
    )

    assert code_of(await me(anonymous, first["accessToken"])) == "UNAUTHENTICATED"
    assert code_of(await me(anonymous, second)) == "UNAUTHENTICATED"


async def test_a_password_change_ends_the_users_other_sessions(client, anonymous):
    user_id = await create_user(client, "shift", "VIEWER")
    elsewhere = await token_for(anonymous, "shift")

    await graphql(
        client,
        'mutation { updateUser(id: "%s", input: {password: "Another-Long-Pass-8"}) { id } }'
        % user_id,
    )

    assert code_of(await me(anonymous, elsewhere)) == "UNAUTHENTICATED"


async def test_service_tokens_cannot_be_admins(client):
    answer = await graphql(
        client, 'mutation { createServiceToken(name: "x", role: ADMIN) { token } }'
    )

    assert answer["errors"][0]["extensions"]["fields"] == {"role": "not ADMIN"}


async def test_invalid_variables_are_not_echoed_back(client):
    answer = await graphql(
        client,
        "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
        {
            "i": {
                "username": "u",
                "password": "Leaky-Secret-Value-1",
                "role": "VIEWER",
                "x": 1,
            }
        },
    )
    listed = await graphql(
        client,
        'mutation($p: String!) { login(username: "admin", password: $p) { accessToken } }',
        {"p": ["Leaky-Secret-Value-2"]},
    )

    assert "Leaky-Secret" not in json.dumps(answer) + json.dumps(listed)
    assert code_of(answer) == code_of(listed) == "BAD_USER_INPUT"


async def test_forwarded_for_headers_do_not_choose_the_address(gateway, anonymous):
    query = (
        "mutation($p: String!) { login(username: $u, password: $p) { accessToken } }"
    )
    headers = {"X-Forwarded-For": "10.9.9.9"}

    await anonymous.post(
        "/graphql",
        json={"query": query.replace("$u", '"nobody"'), "variables": {"p": "x"}},
        headers=headers,
    )

    with sqlite3.connect(gateway.settings.database_path) as db:
        payloads = [row[0] for row in db.execute("SELECT payload FROM events")]
    assert payloads and all('"address": "127.0.0.1"' in p for p in payloads)

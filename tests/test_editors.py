import pytest

from lasdash.editors import OFF, OIDC, PASSPHRASE, Policy, Throttle, policy_from


@pytest.mark.parametrize("secrets, env, mode", [
    ({}, {}, OFF),
    ({}, {"LASDASH_EDITOR_PASSWORD": "pw"}, PASSPHRASE),
    ({"lasdash": {"editor_password": "pw"}}, {}, PASSPHRASE),
    ({"auth": {"client_id": "x"}, "lasdash": {"editors": ["A@nhs.net"]}}, {"LASDASH_EDITOR_PASSWORD": "pw"}, OIDC),
    ({"lasdash": {"editor_password": ""}}, {"LASDASH_EDITOR_PASSWORD": ""}, OFF),
])
def test_policy_mode(secrets, env, mode):
    assert policy_from(secrets, env).mode == mode


@pytest.mark.parametrize("email, allowed", [
    ("a@nhs.net", True), ("A@NHS.NET ", True), ("b@nhs.net", False), (None, False), ("", False),
])
def test_oidc_allow_list(email, allowed):
    policy = policy_from({"auth": {}, "lasdash": {"editors": ["A@nhs.net"]}}, {})
    assert policy.allows_email(email) is allowed


@pytest.mark.parametrize("given, ok", [("pw-123", True), ("pw-12", False), ("PW-123", False), ("", False),
                                       ("pw-123 ", False), ("pw-1234", False)])
def test_passphrase_matches_exactly(given, ok):
    assert Policy(PASSPHRASE, passphrase="pw-123").passphrase_matches(given) is ok


def test_passphrase_never_matches_when_editing_is_off_or_oidc():
    assert not Policy(OFF).passphrase_matches("")
    assert not Policy(OIDC, editors=frozenset({"a@nhs.net"})).passphrase_matches("")


def test_throttle_grows_caps_and_forgets():
    now = [0.0]
    t = Throttle(base=0.5, cap=4.0, window=60, clock=lambda: now[0])
    assert t.delay() == 0
    delays = []
    for _ in range(6):
        t.record_failure()
        delays.append(t.delay())
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    now[0] = 61
    assert t.delay() == 0

import pytest

from lasdash.editors import OFF, OIDC, PASSPHRASE, AccessConfigError, Policy, Throttle, policy_from
from lasdash.snapshots import SnapshotStore


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


def test_throttle_grows_caps_and_forgets(tmp_path):
    """One session, one wrong try after another (each answered before the next): 0.5 s doubling to the cap; forgotten
    after the window. The count is in the store (tests/test_throttle.py: concurrent sessions, restarts, S3, Azure)."""
    now = [1_000_000.0]

    def sleep(seconds):
        now[0] += seconds
    t = Throttle(SnapshotStore(tmp_path), base=0.5, cap=4.0, window=60, clock=lambda: now[0], sleep=sleep)
    assert t.delay("s") == 0
    delays = []
    for _ in range(6):
        assert t.check("s", lambda: False) is False
        delays.append(t.delay("s"))
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    now[0] += 61
    assert t.delay("s") == 0


VIEWERS = {"auth": {"client_id": "x"}, "lasdash": {"viewers": ["@nhs.net", "Someone@Example.org"],
                                                   "editors": ["editor@other.org"]}}


@pytest.mark.parametrize("email, allowed", [
    ("x@nhs.net", True),
    ("X.Y@NHS.NET", True),  # case-insensitive
    (" x@nhs.net ", True),
    ("someone@example.org", True),  # a whole address
    ("someone.else@example.org", False),
    ("editor@other.org", True),  # editors are always viewers
    ("x@nhs.net.evil.example", False),  # the domain must be the whole domain, not its start
    ("x@evilnhs.net", False),  # nor its end
    ("x@sub.nhs.net", False),  # a subdomain is not the domain: list it if it is meant
    ("nhs.net@evil.example", False),
    ("x@nhs.net@evil.example", False),  # two '@': not an address
    ("@nhs.net", False),  # no local part
    ("x@", False),
    ("x @nhs.net", False),
    ("", False),
    (None, False),
])
def test_viewer_domains_and_addresses_cannot_be_fooled(email, allowed):
    assert policy_from(VIEWERS, {}).allows_viewer(email) is allowed


@pytest.mark.parametrize("secrets, env, restricted", [
    ({}, {}, False),  # no viewers setting: open to everyone, as before
    ({"auth": {}}, {}, False),
    (VIEWERS, {}, True),
    ({"auth": {}}, {"LASDASH_VIEWERS": "@nhs.net, a@b.org"}, True),
    ({"auth": {}, "lasdash": {"viewers": []}}, {}, True),  # an empty list: editors only
])
def test_viewers_restrict_only_when_set(secrets, env, restricted):
    policy = policy_from(secrets, env)
    assert policy.restricted is restricted
    assert policy.allows_viewer("anyone@anywhere.example") is (not restricted)


def test_viewers_from_the_environment():
    policy = policy_from({"auth": {}}, {"LASDASH_VIEWERS": "@nhs.net, A@B.org"})
    assert policy.viewers == {"@nhs.net", "a@b.org"} and policy.allows_viewer("a@b.org")


@pytest.mark.parametrize("secrets, env", [
    ({"lasdash": {"viewers": ["@nhs.net"]}}, {}),  # viewers without OIDC: nobody could sign in
    ({"lasdash": {"viewers": ["@nhs.net"], "editor_password": "pw"}}, {}),  # a passphrase is not for viewers
    ({}, {"LASDASH_VIEWERS": "@nhs.net"}),
    ({"auth": {}, "lasdash": {"viewers": ["nhs.net"]}}, {}),  # neither an address nor '@domain'
    ({"auth": {}, "lasdash": {"viewers": ["@"]}}, {}),
])
def test_unusable_viewer_settings_refuse_rather_than_fail_open(secrets, env):
    with pytest.raises(AccessConfigError):
        policy_from(secrets, env)

"""AppTest: the viewers policy at the door of the app (the sign-in itself is proven in tests/browser/test_sign_in.py
against a real provider). With viewers restricted and nobody signed in, a run shows the sign-in page and nothing of
the map; contradictory settings refuse to show anything; Authlib is installed, so st.login can run."""
import apptest
import pytest
from streamlit import auth_util
from streamlit.testing.v1 import AppTest

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}


def run(secrets: dict, page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(apptest.APP, default_timeout=90)
    for key, value in secrets.items():
        at.secrets[key] = value
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def nothing_of_the_map(at: AppTest) -> None:
    assert not at.dataframe and not at.metric and not at.get("download_button") and not at.get("vega_lite_chart")
    text = " ".join(e.value for e in [*at.markdown, *at.caption, *at.error, *at.title] if hasattr(e, "value"))
    assert "Mel Collins" not in text and "Snapshot " not in text


@pytest.mark.parametrize("params", [{}, {"hcp": "SWL"}])
def test_restricted_and_anonymous_shows_only_the_sign_in_page(data_dir, params):
    at = run({"auth": AUTH, "lasdash": {"viewers": ["@nhs.net"]}}, **params)
    assert at.title[0].value == "lasdash · LAS stakeholder map"
    assert [b.label for b in at.button] == ["Sign in"]
    assert "organisation account" in at.markdown[0].value
    nothing_of_the_map(at)


@pytest.mark.parametrize("secrets", [
    {"lasdash": {"viewers": ["@nhs.net"]}},  # viewers but no OIDC: nobody could sign in
    {"lasdash": {"viewers": ["@nhs.net"], "editor_password": "pw"}},
    {"auth": AUTH, "lasdash": {"viewers": ["nhs.net"]}},  # not an address, not an @domain
])
def test_unusable_access_settings_show_only_why(data_dir, secrets):
    at = run(secrets)
    assert len(at.error) == 1 and "access settings are not usable" in at.error[0].value
    assert not at.button
    nothing_of_the_map(at)


def test_no_viewers_setting_keeps_the_map_open(data_dir):
    at = run({"auth": AUTH})
    assert at.metric and not [b for b in at.button if b.label == "Sign in"]


def test_st_login_can_run_from_the_readme_install():
    # Streamlit refuses st.login without Authlib>=1.3.2; requirements.txt pins it
    assert auth_util.is_authlib_installed()

"""Editor access in the app. The rules live in lasdash/editors.py; this is the Streamlit side.

`editor()` is the server-side check: every handler that changes the map calls it again, so a
crafted request from a viewer cannot publish or roll back.
"""
from __future__ import annotations

import time

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from lasdash.editors import OFF, OIDC, PASSPHRASE, THROTTLE, Policy, policy_from
from lasdash.ui.text import literal

_SESSION_EDITOR = "_editor_name"


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return {}


def policy() -> Policy:
    return policy_from(_secrets())


def editor() -> str | None:
    """The signed-in editor's name (recorded as the author), or None for a viewer."""
    p = policy()
    if p.mode == OIDC:
        if getattr(st.user, "is_logged_in", False) and p.allows_email(st.user.get("email")):
            return str(st.user.get("name") or st.user.get("email"))
        return None
    if p.mode == PASSPHRASE:
        return st.session_state.get(_SESSION_EDITOR)
    return None


def sign_in_box() -> None:
    """What a viewer sees where the editing controls would be."""
    p = policy()
    if p.mode == OFF:
        st.info("Editing is turned off on this server. To turn it on, set an editor passphrase "
                "(the `LASDASH_EDITOR_PASSWORD` environment variable, or `editor_password` under `[lasdash]` "
                "in `.streamlit/secrets.toml`), or configure OIDC sign-in (`[auth]`) with an allow-list "
                "`editors = [\"name@nhs.net\"]` under `[lasdash]`. See the README.", icon=":material/lock:")
        return
    if p.mode == OIDC:
        if getattr(st.user, "is_logged_in", False):
            st.warning(f"{literal(st.user.get('email'))} is not on the editors list.", icon=":material/block:")
            st.button("Sign out", on_click=st.logout)
        else:
            st.button("Sign in to edit", on_click=st.login, icon=":material/login:")
        return
    with st.form("editor_sign_in"):
        st.markdown("**Editors: unlock editing for this session**")
        name = st.text_input("Your name (recorded as the author of what you publish)")
        passphrase = st.text_input("Editor passphrase", type="password")
        if st.form_submit_button("Unlock editing", icon=":material/key:"):
            time.sleep(THROTTLE.delay())  # slows down guessing, for every session of this server
            if not name.strip():
                st.error("Give your name: it is recorded with each publish.")
            elif p.passphrase_matches(passphrase):
                st.session_state[_SESSION_EDITOR] = f"{name.strip()} (passphrase)"
                st.rerun()
            else:
                THROTTLE.record_failure()
                st.error("That passphrase is not right.")


def sign_out() -> None:
    st.session_state.pop(_SESSION_EDITOR, None)

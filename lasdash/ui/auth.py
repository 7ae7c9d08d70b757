"""Access in the app. The rules live in lasdash/editors.py; this is the Streamlit side.

`require_viewer()` runs first on every rerun of every page (app.py) and inside every download callback:
with viewers restricted, nobody sees anything of the map before signing in as someone on the list.
`editor()` is the server-side check for changes: every handler that changes the map calls it again, so a
crafted request from a viewer cannot publish or roll back.
"""
from __future__ import annotations

import binascii
import hashlib
import logging
import math
import threading
import time

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lasdash.editors import OFF, OIDC, PASSPHRASE, THROTTLE, AccessConfigError, Policy, TooManyAttempts, policy_from
from lasdash.snapshots import StoreError
from lasdash.ui import data
from lasdash.ui.text import literal

_SESSION_EDITOR = "_editor_name"
# Session keys of work done as an editor (a review, a checked change), dropped by sign_out. Their modules add them
# (forget_on_sign_out): they import this one, so it cannot import them.
_EDITOR_WORK: list[str] = []
TITLE = "lasdash · LAS stakeholder map"
log = logging.getLogger(__name__)


def _log_to_stderr() -> None:
    """Streamlit sets up its own loggers only: without a handler, the passphrase attempts logged by lasdash.editors
    at INFO would be dropped and warnings printed bare. Nothing is added when logging is already set up."""
    logger = logging.getLogger("lasdash")
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


_log_to_stderr()


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return {}


def policy() -> Policy:
    return policy_from(_secrets())


def _email() -> str | None:
    return st.user.get("email") if getattr(st.user, "is_logged_in", False) else None


def signed_in_email() -> str | None:
    """The email of the user signed in through OIDC, or None (passphrase and open modes identify nobody)."""
    return _email()


def _allowed(email: str | None) -> bool:
    try:
        p = policy()
    except AccessConfigError:
        return False
    return not p.restricted or (email is not None and p.allows_viewer(email))


def may_view() -> bool:
    return _allowed(_email())


def guarded(build):
    """A download's data callable that builds nothing unless the policy, read again when it runs, lets this
    session's identity see the map. Streamlit runs it outside the script, where st.user is not available, so the
    identity is taken now: it is fixed for the session's life (signing out ends the session).

    What it builds is served at /media/<hash> to any request, with or without cookies, until removed: it is removed
    DOWNLOAD_SECONDS after it was built (see `_remove_when_delivered`)."""
    email = _email()

    def data() -> bytes:
        if not _allowed(email):
            raise PermissionError("This session may not view the map.")
        built = build()
        _remove_when_delivered(built)
        return built
    return data


# A built download is stored in Streamlit's media storage and its URL sent to the browser, which fetches it at once
# (twice: a check, then the download). The /media route serves it to anyone who has the URL, with no cookie, and
# Streamlit 1.67 drops it only at the end of the second script run (of any session) after the download: on a quiet
# server, never. It has no hook for "delivered", so the file is removed this long after it was built: long enough
# for a slow connection's two fetches to start, short enough that a URL copied from a browser's download list or a
# proxy's log has expired. A build of the same bytes meanwhile (another click) keeps it for its own full time.
DOWNLOAD_SECONDS = 10.0
_BUILT: dict[tuple[int, str], float] = {}  # (size, sha256) of the bytes -> monotonic time of the newest build
_BUILT_LOCK = threading.Lock()


def _remove_when_delivered(built: object) -> None:
    if isinstance(built, str):
        built = built.encode()  # as Streamlit stores it
    if not isinstance(built, bytes):
        return
    key = (len(built), hashlib.sha256(built).hexdigest())
    with _BUILT_LOCK:
        _BUILT[key] = time.monotonic()
    timer = threading.Timer(DOWNLOAD_SECONDS, _remove_download, args=(key,))
    timer.daemon = True
    timer.start()


def _remove_download(key: tuple[int, str]) -> int:
    """Remove the stored download with these bytes unless they were built again since. Returns how many files went.
    Streamlit has no public call for this: it reads the in-memory media storage Streamlit 1.67 uses. Were that to
    change, downloads still work and this says so in the log (and tests/browser/test_media.py fails)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.media_file_storage import MediaFileKind
    with _BUILT_LOCK:  # held throughout, so a new build of the same bytes is either seen here or stored after
        if time.monotonic() - _BUILT.get(key, 0.0) < DOWNLOAD_SECONDS * 0.99:
            return 0  # built again meanwhile: that build's own timer removes it
        _BUILT.pop(key, None)
        if not Runtime.exists():
            return 0
        try:
            manager = Runtime.instance().media_file_mgr
            storage = manager._storage
            with manager._lock:
                gone = [file_id for file_id, f in list(storage._files_by_id.items())
                        if f.kind == MediaFileKind.DOWNLOADABLE and len(f.content) == key[0]
                        and hashlib.sha256(f.content).hexdigest() == key[1]]
                for file_id in gone:
                    storage.delete_file(file_id)
                    manager._file_metadata.pop(file_id, None)
        except AttributeError as exc:
            log.warning("Cannot remove a delivered download early on this Streamlit version (%s): it stays "
                        "fetchable at its /media URL until Streamlit removes it.", exc)
            return 0
    return len(gone)


def require_viewer() -> None:
    """Stop the run with the sign-in (or refusal) page unless this session may see the map."""
    try:
        p = policy()
    except AccessConfigError as exc:  # never fail open
        st.title(TITLE)
        st.error(f"This server's access settings are not usable: {literal(str(exc))}", icon=":material/block:")
        st.stop()
    if not p.restricted:
        return
    email = _email()
    if email is None:
        _remember_deep_link()
        st.title(TITLE)
        st.markdown("The London Ambulance Service's map of its stakeholders: who chairs what across London's "
                    "health and care partnerships and councils, whom LAS has engaged, and where each "
                    "recommendation stands. It is for the people it is shared with: sign in with your "
                    "organisation account.")
        st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:")
        st.stop()
    if not p.allows_viewer(email):
        st.title(TITLE)
        st.error(f"Your account ({literal(email)}) is not allowed to view this map.", icon=":material/block:")
        st.button("Sign out", on_click=st.logout)
        st.stop()


def account_box() -> None:
    """In the sidebar, with viewers restricted: who is signed in, and Sign out."""
    email = _email()
    if email and policy().restricted:
        st.sidebar.caption(f"Signed in as {literal(email)}")
        st.sidebar.button("Sign out", on_click=st.logout, key="sign_out_sidebar", icon=":material/logout:")


# A deep link (/jhosc?hcp=SWL) survives sign-in: the provider sends everyone back to '/', so the page and
# query asked for are kept here, per browser, for a few minutes. The browser is known by Streamlit's XSRF
# cookie, which the sign-in round trip keeps (its token, under a fresh mask each time).
_DEEP_LINKS: dict[str, tuple[float, str, dict]] = {}
_DEEP_LINKS_LOCK = threading.Lock()
DEEP_LINK_SECONDS = 600


def _browser() -> str | None:
    parts = (st.context.cookies.get("_streamlit_xsrf") or "").strip("\"'").split("|")
    if len(parts) != 4 or parts[0] != "2":
        return None
    try:
        mask, masked = binascii.a2b_hex(parts[1]), binascii.a2b_hex(parts[2])
    except binascii.Error:
        return None
    return bytes(b ^ mask[i % 4] for i, b in enumerate(masked)).hex() if len(mask) == 4 else None


def _remember_deep_link() -> None:
    """The session's first run knows the page the URL asked for; a button's rerun does not, so keep that one."""
    if "_asked_for" not in st.session_state:
        ctx = get_script_run_ctx()
        page = getattr(ctx.pages_manager, "intended_page_name", None) if ctx else None
        st.session_state["_asked_for"] = (page or "", st.query_params.to_dict())
    browser = _browser()
    page, query = st.session_state["_asked_for"]
    if browser and (page or query):
        with _DEEP_LINKS_LOCK:
            _DEEP_LINKS[browser] = (time.monotonic(), page, query)


def return_to_deep_link(pages: list) -> None:
    """After sign-in, go to the page and filters first asked for (only pages of this app)."""
    browser = _browser()
    with _DEEP_LINKS_LOCK:
        now = time.monotonic()
        for key in [k for k, (t, _, _) in _DEEP_LINKS.items() if now - t > DEEP_LINK_SECONDS]:
            del _DEEP_LINKS[key]
        saved = _DEEP_LINKS.pop(browser, None) if browser else None
    if saved:
        target = next((p for p in pages if p.url_path == saved[1]), None)
        if target is not None:
            st.switch_page(target, query_params=saved[2])


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


def editing_box(form_open: bool = False) -> None:
    """In the sidebar of every page: while editing, "Editing as NAME" with the way to stop; otherwise the way to start
    (the passphrase form in an "Editing" expander, open on the Data page; or "Sign in to edit"). Nothing when editing
    is off: the Data page says how to turn it on."""
    p = policy()
    if p.mode == OFF:
        return
    who = editor()
    if who is not None:
        with st.sidebar.container(border=True, key="editing_as"):
            st.markdown(f":material/edit: Editing as **{literal(who)}**")
            if p.mode == PASSPHRASE:
                st.button("Lock editing", on_click=sign_out, icon=":material/lock:", key="lock_editing")
            elif not p.restricted:  # with viewers restricted, account_box already offers Sign out
                st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out_editing")
    elif p.mode == PASSPHRASE:
        with st.sidebar.expander("Editing", expanded=form_open, icon=":material/edit:"):
            sign_in_box()
    elif not getattr(st.user, "is_logged_in", False):
        st.sidebar.button("Sign in to edit", on_click=st.login, icon=":material/login:", key="sign_in_to_edit")
    elif not p.restricted:  # signed in, not an editor (with viewers restricted, account_box says who, with Sign out)
        st.sidebar.caption(f"Signed in as {literal(_email())}, who is not on the editors list.")
        st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out_editing")


def how_to_edit() -> None:
    """Where the Data page's editing controls would be, for someone not editing: how to start, or why not."""
    p = policy()
    if p.mode == OFF:
        st.info("Editing is turned off on this server. To turn it on, set an editor passphrase "
                "(the `LASDASH_EDITOR_PASSWORD` environment variable, or `editor_password` under `[lasdash]` "
                "in `.streamlit/secrets.toml`), or configure OIDC sign-in (`[auth]`) with an allow-list "
                "`editors = [\"name@nhs.net\"]` under `[lasdash]`. See docs/ACCESS.md.", icon=":material/lock:")
    elif p.mode == PASSPHRASE:
        st.markdown("**Editors: unlock editing for this session** under **Editing** in the sidebar, with your name "
                    "and the editor passphrase. It stays unlocked from page to page until you lock it again or "
                    "reload the page.")
    elif getattr(st.user, "is_logged_in", False):
        st.warning(f"{literal(_email())} is not on the editors list.", icon=":material/block:")
    else:
        st.markdown("**Editors: sign in to edit**, with **Sign in to edit** in the sidebar.")


def sign_in_box() -> None:
    """The editor passphrase form (in the sidebar's "Editing" expander)."""
    p = policy()
    with st.form("editor_sign_in"):
        st.markdown("**Editors: unlock editing for this session**")
        name = st.text_input("Your name (recorded as the author of what you publish)")
        passphrase = st.text_input("Editor passphrase", type="password")
        if st.form_submit_button("Unlock editing", icon=":material/key:"):
            if not name.strip():  # says nothing about the passphrase, so no attempt is made
                st.error("Give your name: it is recorded with each publish.")
                return
            try:  # waits its turn, shared by every session and replica (see editors.Throttle)
                ok = THROTTLE.check(_source(), lambda: p.passphrase_matches(passphrase), store=data.store())
            except TooManyAttempts as exc:
                st.error(f"Too many attempts to unlock editing: try again in {math.ceil(exc.retry_after)} s.")
                return
            except StoreError:  # the attempt cannot be counted, so it is not checked
                st.error("Editing cannot be unlocked just now: the snapshot store cannot be reached. Try again later.")
                return
            if ok:
                st.session_state[_SESSION_EDITOR] = f"{name.strip()} (passphrase)"
                st.rerun()
            st.error("That passphrase is not right.")


def _source() -> str:
    """Where a passphrase attempt comes from: the client's address when Streamlit knows it (not for localhost, and
    behind a proxy it is the proxy's), else this session. The throttle's overall wait covers sources that change."""
    address = st.context.ip_address
    if address:
        return f"address {address}"
    ctx = get_script_run_ctx()
    return f"session {ctx.session_id}" if ctx else "an unknown session"


def forget_on_sign_out(*keys: str) -> None:
    """Session keys holding work done as an editor, for sign_out to drop."""
    _EDITOR_WORK.extend(k for k in keys if k not in _EDITOR_WORK)


def sign_out() -> None:
    """Lock editing: the name goes, and so do changes checked or under review under it (a checked engagement is
    already sourced to its editor, so it must not be saved by whoever unlocks next)."""
    for key in (_SESSION_EDITOR, *_EDITOR_WORK):
        st.session_state.pop(key, None)

"""What do I need to know before I meet them? A one-page brief on a forum, organisation, person or partnership,
previewed here and downloaded as an accessible PDF (lasdash/brief.py builds both).

Deep links open a brief ready: /brief?forum=NW%20London%20JHOSC, ?organisation=ORG-lfb, ?person=..., ?partnership=NEL
(a name, an alias or an ID). ?hcp=NEL works too when the link opens the app, but `hcp` is the sidebar's filter: within
a session the filter keeps its own value, so links between pages use `partnership`.
"""
from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
import streamlit as st

from lasdash import brief, clock, config
from lasdash.ui import auth, data, page
from lasdash.ui.brief_links import ICON, SCRIPT
from lasdash.ui.text import literal

KINDS = {"forum": "Forum", "organisation": "Organisation", "person": "Person", "hcp": "Partnership"}
KIND_KEY, LINK_KEY, UNKNOWN_KEY = "brief_kind", "_brief_link", "_brief_unknown"
PARAMS = {"forum": "forum", "organisation": "organisation", "person": "person", "partnership": "hcp"}  # -> kind
PARAM = {kind: param for param, kind in PARAMS.items()}
BLANK = "–"
# Text longer than LONG characters wraps in a "large" column of about CHARS_A_LINE a line, LINE px each, in rows of
# WRAPS_FROM lines at least (a grid wraps only rows over 4rem); a longer cell shows MAX_LINES, the rest on hover.
LONG, MEDIUM, CHARS_A_LINE, LINE, WRAPS_FROM, MAX_LINES = 80, 30, 55, 21, 3, 6


def pick_key(kind: str) -> str:
    return f"brief_pick_{kind}"


@st.cache_resource(show_spinner=False, max_entries=4)
def subjects(snapshot_id: str) -> list[brief.Subject]:
    """Every subject, shared by the sessions, not copied: a copy per rerun (st.cache_data unpickles its answer) was
    0.3 s at 100x the map. Subjects are frozen; nobody changes the list."""
    return brief.subjects(data.connection(snapshot_id))


@st.cache_resource(show_spinner=False, max_entries=16)
def choices(snapshot_id: str, kind: str) -> tuple[dict[str, brief.Subject], dict[str, str]]:
    """A kind's subjects by ID, and the picker's labels by ID in name order: built once per snapshot, not on every
    rerun (shared and read-only, as `subjects`)."""
    options = {s.id: s for s in subjects(snapshot_id) if s.kind == kind}
    return options, {sid: label(s) for sid, s in sorted(options.items(), key=lambda kv: kv[1].name.casefold())}


@st.cache_data(show_spinner=False, max_entries=256)
def resolve(snapshot_id: str, kind: str, text: str) -> tuple[brief.Subject | None, str, list[brief.Subject]]:
    """(the subject, '', []) or (None, why not, up to three suggestions): a bad link is a message, not an error."""
    try:
        return brief.resolve(data.connection(snapshot_id), kind, text), "", []
    except brief.UnknownSubject as exc:
        return None, str(exc), list(exc.suggestions)[:3]


def label(s: brief.Subject) -> str:
    """What the picker shows and filters on: the name, what tells it apart, and its aliases (so typing one finds it)."""
    return s.name + (f" \u2014 {s.detail}" if s.detail else "") + (f" (also {s.aliases})" if s.aliases else "")


def made_by() -> str:
    """Who the brief says made it: the editor, else the signed-in viewer, else no one in particular."""
    if who := auth.editor():
        return who
    if getattr(st.user, "is_logged_in", False):
        return str(st.user.get("name") or st.user.get("email"))
    return "a dashboard viewer"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone(clock.LONDON)


def scope() -> str:
    return f"{config.data_dir()} {clock.today():%Y-%m-%d}"  # as page.py keys its cache: the store and London's day


@st.cache_data(show_spinner=False, max_entries=64)
def built(scope: str, snapshot_id: str, kind: str, subject_id: str, _manifest) -> dict:
    """A brief, kept per snapshot and London's day (days overdue count from today): building one takes about 0.25 s.
    Who made it and when are stamped on each use (`stamped`)."""
    subject = next(s for s in subjects(snapshot_id) if (s.kind, s.id) == (kind, subject_id))
    return brief.build(data.connection(snapshot_id), subject, manifest=_manifest, made_by="", made_at=now())


def stamped(b: dict, who: str) -> dict:
    return {**b, "made_by": who, "made_at": f"{now():%d %b %Y %H:%M}"}  # as brief.build words it


def pdf(manifest, subject: brief.Subject, who: str) -> bytes:
    """Built when the button is pressed, as every download is, and stamped then."""
    b = built(scope(), manifest.id, subject.kind, subject.id, manifest)
    return brief.render_pdf(stamped(b, who))


def link_asked() -> tuple[str, str, bool] | None:
    """(kind, name or ID, whether only the filter asks): the subject the URL asks for; else the one HCP of the
    sidebar's filter (several are a filter, not a subject)."""
    for param, kind in PARAMS.items():
        if (value := st.query_params.get(param, "").strip()):
            return kind, value, False
    hcps = [v.strip() for v in st.query_params.get_all("hcp") if v.strip()]
    return ("hcp", hcps[0], True) if len(hcps) == 1 else None


def picked(kind: str) -> None:
    """on_change: the URL follows the picker, so the address bar is a link to the brief shown."""
    kind_changed()
    if chosen := st.session_state.get(pick_key(kind)):
        st.query_params[PARAM[kind]] = chosen


def kind_changed() -> None:
    for param in PARAMS:
        if param in st.query_params:
            del st.query_params[param]


def grid(section: dict, n: int) -> None:
    """A section's rows as a grid: never Markdown, so map text goes in raw. Not st.table, which reads Markdown and,
    wider than a phone, scrolls in a region a keyboard cannot reach (axe: scrollable-region-focusable). A grid
    wraps text only in rows taller than 4rem, so a section with long text gets rows tall enough for it, a wide
    column for that text and medium ones for the rest that is longish, which wrap too."""
    df = pd.DataFrame(section["rows"], columns=section["columns"]).astype(object)
    longest = {c: int(df[c].map(lambda v: len(str(v)) if v is not None else 0).max()) for c in df.columns}
    long = [c for c, chars in longest.items() if chars > LONG]
    widths, row_height = {}, None
    if long:
        widths = {c: st.column_config.TextColumn(width="large" if c in long else "medium")
                  for c, chars in longest.items() if chars > MEDIUM}
        lines = max(WRAPS_FROM, min(math.ceil(max(longest[c] for c in long) / CHARS_A_LINE), MAX_LINES))
        row_height = LINE * lines + 16
    st.dataframe(df, hide_index=True, key=f"brief_section_{n}", placeholder=BLANK, row_height=row_height,
                 height="content", column_config=widths)


# Not page.header: the sidebar filter does not apply to a brief, so the page does not show it as if it did.
ctx = page.context()
st.title("Meeting brief")
st.markdown("*What do I need to know before I meet them?*")
st.caption(f"Who sits there, LAS in the room, our engagement, the recommendations we owe and what the map does not "
           f"know, on one page. Snapshot as of **{ctx.as_of}** ({literal(ctx.manifest.source_file or 'bundled map')}; "
           f"{literal(ctx.manifest.note or 'no note')}). A brief covers its subject wherever it sits on the map: the sidebar "
           f"filter does not narrow it.")
snapshot_id = ctx.manifest.id

# A link is applied on arriving at the page (the pickers' state is gone after another page) or when it changes; a
# partnership asked for by the filter alone does not replace a forum, organisation or person being looked at.
asked = link_asked()
arriving = KIND_KEY not in st.session_state
if asked and (arriving or asked != st.session_state.get(LINK_KEY)) and \
        (arriving or not asked[2] or st.session_state.get(KIND_KEY) == "hcp"):
    found, why, suggestions = resolve(snapshot_id, *asked[:2])
    st.session_state[KIND_KEY] = asked[0]
    if found is not None:
        st.session_state[pick_key(found.kind)] = found.id
    else:
        st.session_state[UNKNOWN_KEY] = (asked, why, suggestions)
st.session_state[LINK_KEY] = asked
if (unknown := st.session_state.get(UNKNOWN_KEY)) and unknown[0] != asked:
    del st.session_state[UNKNOWN_KEY]  # the URL moved on

if unknown := st.session_state.get(UNKNOWN_KEY):
    (kind, text, _), why, suggestions = unknown
    why = why.split("; closest:")[0]  # the closest names follow as links
    st.warning(f"The link asks for a brief the map cannot find: {literal(why)}."
               + (" Did you mean one of these?" if suggestions else f" Pick a {KINDS[kind].lower()} below."),
               icon=":material/link_off:")
    for s in suggestions:
        st.page_link(SCRIPT, label=f"{literal(s.name)} ({literal(s.id)})", icon=ICON, query_params={PARAM[s.kind]: s.id})

kind = st.radio("A brief on a", list(KINDS), format_func=KINDS.get, horizontal=True, key=KIND_KEY,
                on_change=kind_changed)
options, labels = choices(snapshot_id, kind)
if st.session_state.get(pick_key(kind)) not in labels:
    st.session_state.pop(pick_key(kind), None)  # an ID gone from a newer snapshot
chosen = st.selectbox(KINDS[kind], list(labels), format_func=labels.get, index=None, key=pick_key(kind),
                      placeholder="Type a name or alias to search", on_change=picked, args=(kind,),
                      help="Names and aliases as the map records them; each option says what tells it apart.")
if chosen is None:
    st.info(f"Pick a {KINDS[kind].lower()} to preview the brief, or follow a **Brief** link from another page.",
            icon=":material/summarize:")
    st.stop()

subject = options[chosen]
who = made_by()
the_brief = stamped(built(scope(), snapshot_id, subject.kind, subject.id, ctx.manifest), who)
slug = re.sub(r"[^A-Za-z0-9]+", "-", subject.id).strip("-") or "subject"
st.download_button("Download PDF", data=auth.guarded(lambda: pdf(ctx.manifest, subject, who)),
                   file_name=f"brief-{slug}-{clock.today():%Y-%m-%d}.pdf",
                   mime="application/pdf", key="dl_brief", icon=":material/picture_as_pdf:", on_click="ignore",
                   type="primary", help="One A4 page (two at most), tagged for screen readers.")


with st.container(border=True, key="brief_preview"):
    st.subheader(literal(the_brief["title"]))
    if the_brief.get("subtitle"):
        st.caption(literal(the_brief["subtitle"]))
    st.markdown(f"**{literal(the_brief['summary'])}**")
    st.caption(f"Snapshot {literal(the_brief['snapshot_id'])}, as of {literal(the_brief['as_of'])} · made by "
               f"{literal(the_brief['made_by'])}, {literal(the_brief['made_at'])}")
    for n, section in enumerate(the_brief["sections"]):
        st.markdown(f"#### {literal(section['heading'])}")
        if section["rows"]:
            grid(section, n)
        if section.get("more"):
            st.caption(f"and {section['more']:,} more (see the dashboard)")
        if section.get("note"):  # a note beside a table is an aside; without one, it is what the section says
            (st.caption if section["rows"] else st.markdown)(literal(section["note"]))
    if the_brief["sources"]:
        st.markdown("#### Sources")
        st.container(key="brief_sources").markdown("\n".join(f"- {literal(s)}" for s in the_brief["sources"]))

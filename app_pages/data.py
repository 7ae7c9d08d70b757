"""Is the map current, and how do I change it? Downloads and history for all; upload, publish, rollback for editors."""
import pandas as pd
import streamlit as st

from lasdash import export
from lasdash.diff import describe
from lasdash.ui import auth, data, editing, page
from lasdash.ui.text import literal
from lasdash.validate import problems_frame
from lasdash.workbook import snapshot_workbook_bytes, workbook_bytes

REMINDERS_SHOWN = 50
ctx = page.header("Data", "Is the map current, and how do I refresh it?")
store = data.store()
current = ctx.manifest

if flash := st.session_state.pop(editing.FLASH, None):
    getattr(st, flash[0])(flash[1])

st.subheader("Download")
left, right = st.columns(2)
left.download_button("Current map as a workbook (.xlsx)", data=auth.guarded(lambda: snapshot_workbook_bytes(store, current.id)),
                     file_name=f"lasdash-map_{current.created_at:%Y-%m-%d}.xlsx", icon=":material/download:",
                     on_click="ignore", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
right.download_button("Blank template (.xlsx)", data=auth.guarded(lambda: workbook_bytes(None)), file_name="lasdash-template.xlsx",
                      icon=":material/description:", on_click="ignore",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader("Snapshots")
snapshots = list(reversed(store.list()))
st.dataframe(pd.DataFrame({
    "Current": ["● current" if s.id == current.id else "" for s in snapshots],
    "As of": [f"{s.created_at:%d %b %Y %H:%M}" for s in snapshots],
    "Author": [s.author for s in snapshots],
    "Note": [s.note for s in snapshots],
    "Source file": [s.source_file for s in snapshots],
    "Rows": [sum(s.row_counts.values()) for s in snapshots],
    "Snapshot ID": [s.id for s in snapshots],
}), hide_index=True, key="snapshots")
label = {s.id: f"{s.created_at:%d %b %Y %H:%M} · {s.author} · {s.note or s.source_file}" for s in snapshots}
chosen = st.selectbox("Download any snapshot's workbook", [s.id for s in snapshots], format_func=label.get,
                      key="snapshot_download")
st.download_button("Download that snapshot (.xlsx)", data=auth.guarded(lambda: snapshot_workbook_bytes(store, chosen)),
                   file_name=f"lasdash-map_{chosen}.xlsx", key="dl_snapshot", on_click="ignore",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader("History")
events = store.events()
st.dataframe(pd.DataFrame({
    "When": [e["at"][:16].replace("T", " ") for e in reversed(events)],
    "What": [e["action"] for e in reversed(events)],
    "Snapshot": [e["snapshot"] for e in reversed(events)],
    "Replaced": [e["previous"] or "" for e in reversed(events)],
    "By": [e["by"] for e in reversed(events)],
    "Note": [e["note"] for e in reversed(events)],
}), hide_index=True, key="history")

st.subheader("Reminders sent")
notices = list(reversed(store.notices()))[:REMINDERS_SHOWN]  # the newest first
if notices:
    st.caption("The weekly digest (`python -m lasdash digest`): one message a day at most to each LAS team member "
               "with something due; a review copy (`--to`) is listed as such." +
               (f" The latest {REMINDERS_SHOWN}." if len(notices) == REMINDERS_SHOWN else ""))
    st.dataframe(pd.DataFrame({
        "When": [str(n.get("at", ""))[:16].replace("T", " ") for n in notices],
        "To": [n.get("to", "") for n in notices],
        "Role": [n.get("role", "") for n in notices],
        "Items": [n.get("items") for n in notices],
        "Review copy": ["Yes" if n.get("review") else "" for n in notices],
        "By": [n.get("by", "") for n in notices],
        "Snapshot": [n.get("snapshot", "") for n in notices],
    }), hide_index=True, key="notices")
else:
    st.caption("No reminder has been sent yet: `python -m lasdash digest` emails each LAS team member with an email "
               "what is due (see docs/REMINDERS.md).")

st.subheader("Refresh the map")
editor = auth.editor()
if editor is None:
    auth.how_to_edit()  # the unlock itself is in the sidebar, on every page
    st.stop()

st.caption(f"Signed in as **{literal(editor)}**.")  # Lock editing is in the sidebar, on every page
upload = st.file_uploader("Upload an edited workbook (.xlsx)", type=["xlsx"],
                          key=f"upload_{st.session_state.get(editing.UPLOAD_COUNTER, 0)}")
review = st.session_state.get(editing.REVIEW)
if upload is not None:
    content = upload.getvalue()
    if review is None or review.sha256 != editing.sha256(content):
        review = editing.review(store, upload.name, content)
        st.session_state[editing.REVIEW] = review

if review is not None:
    if review.read_error:
        st.error(literal(review.read_error))
    elif not review.validation.ok:
        problems = problems_frame(review.validation.problems)
        st.error(f"Not published: {literal(review.validation.summary())}. The current map is unchanged.")
        st.dataframe(problems, hide_index=True, key="problems", placeholder="–")
        st.download_button("Download the validation report (CSV)", data=auth.guarded(lambda: export.to_csv_bytes(problems)),
                           file_name=f"lasdash_validation_{review.file_name.rsplit('.', 1)[0]}.csv", mime="text/csv",
                           key="dl_problems", on_click="ignore")
    else:
        if review.stale:
            st.warning("The map was changed by someone else while you were reviewing. The preview below is "
                       "now against the new current map: check it again before publishing.", icon=":material/sync_problem:")
        warnings = review.validation.problems
        if warnings:
            with st.expander(f"{literal(review.validation.summary())}: publishing is allowed",
                             icon=":material/warning:"):
                st.dataframe(problems_frame(warnings), hide_index=True, placeholder="–")
        merged = review.merge(store, frozenset(st.session_state.get(editing.TAKE_YOURS, ())))
        mode = editing.MERGE
        if merged is not None:
            m = merged.merge
            st.warning(f"**Your file was made from an older map** (snapshot {merged.base.id} of "
                       f"{merged.base.created_at:%d %b %Y %H:%M} UTC). Others have changed the map since: "
                       f"publishing it as it is would undo their work, so it is merged.", icon=":material/merge:")
            for title, lines in (("Your file's own changes", describe(m.yours)),
                                 ("Changes by others since", describe(m.theirs))):
                with st.expander(f"{title} ({len(lines):,})"):
                    st.code("\n".join(lines) or "No changes", language=None, wrap_lines=True)
            if m.conflicts:
                st.markdown(f"**Conflicts ({len(m.conflicts):,})**: where your file would change or revert what "
                            "others changed. The current value is kept unless you choose your file's.")
                st.code("\n".join(c.describe() for c in m.conflicts), language=None, wrap_lines=True)
                labels = {c.id: c.describe() for c in m.conflicts}
                st.multiselect("Use your file's value instead for", list(labels), format_func=labels.get,
                               key=editing.TAKE_YOURS, placeholder="None: keep every current value")
            mode = st.radio("How to publish", [editing.MERGE, editing.OVERWRITE], key=editing.MODE, format_func={
                editing.MERGE: "Merge: your file's changes on top of the current map (recommended)",
                editing.OVERWRITE: "Overwrite: publish your file exactly as it is, undoing the changes by others"}.get)
            if mode == editing.MERGE and not merged.validation.ok:
                st.error(f"The merged map has errors: {literal(merged.validation.summary())}. Choose other values "
                         "for the conflicts, or fix the workbook.")
                st.dataframe(problems_frame(merged.validation.errors), hide_index=True, key="merge_problems", placeholder="–")
        elif review.base_note:
            st.info(review.base_note, icon=":material/help:")
        diffs = merged.merge.result if merged is not None and mode == editing.MERGE else review.diffs
        lines = describe(diffs)
        st.markdown(f"**What publishing changes in the current map ({len(lines):,})**")
        st.dataframe(pd.DataFrame({
            "Sheet": [d.sheet for d in diffs], "Added": [len(d.added) for d in diffs],
            "Removed": [len(d.removed) for d in diffs], "Changed": [len(d.changed) for d in diffs],
        }), hide_index=True, key="change_counts")
        if lines:
            st.code("\n".join(lines[:500]) + (f"\n… and {len(lines) - 500} more" if len(lines) > 500 else ""),
                    language=None, wrap_lines=True)  # wrapped: a recommendation's text is never clipped
        else:
            st.info("No changes: publishing this would leave the map as it is.")
        note = st.text_input("Note for this snapshot (what changed and why)", key="publish_note")
        blocked = merged is not None and mode == editing.MERGE and not merged.validation.ok
        st.button("Publish as the new current map", type="primary", icon=":material/publish:",
                  on_click=editing.publish, args=(store, note), disabled=not note.strip() or blocked, key="publish")

st.subheader("Roll back")
earlier = [s for s in snapshots if s.id != current.id]
if not earlier:
    st.caption("There is only one snapshot.")
else:
    target = st.selectbox("Make an earlier snapshot current again", [s.id for s in earlier], format_func=label.get,
                          key="rollback_target")
    pending = st.session_state.get(editing.CONFIRM_ROLLBACK)
    if pending != target:
        st.button("Roll back…", key="rollback", on_click=lambda: st.session_state.update({editing.CONFIRM_ROLLBACK: target}))
    else:
        st.warning(f"Make **{literal(label[target])}** the current map? Everyone will see it at once. "
                   "This is recorded, and you can undo it by rolling back again.")
        yes, no = st.columns(2)
        yes.button("Yes, roll back", type="primary", key="rollback_confirm", on_click=editing.rollback,
                   args=(store, target))
        no.button("Cancel", key="rollback_cancel", on_click=lambda: st.session_state.pop(editing.CONFIRM_ROLLBACK, None))

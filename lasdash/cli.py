"""`python -m lasdash`: the command line. Exit codes: 0 ok, 1 validation errors, 2 unreadable input.

No traceback reaches the user for bad input: a message and an exit code.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import schema as S

if TYPE_CHECKING:
    from . import pipeline, queries

# Each command imports what it needs when it runs: `--help` and the light commands never load pandas, DuckDB or
# openpyxl (issue 26: the CLI from cold).

OK, INVALID, UNREADABLE = 0, 1, 2


class UsageError(Exception):
    pass


def _print_problems(validation, as_json: bool) -> None:
    if as_json:
        print(json.dumps([{"severity": p.severity, "sheet": p.sheet, "row": p.row, "column": p.column,
                           "value": p.value, "message": p.message + (f"; expected {p.expected}" if p.expected else "")}
                          for p in validation.problems], indent=1, ensure_ascii=False))
        return
    for p in validation.problems:
        print(p)
    print(validation.summary())


def _base_line(validation) -> str:
    return (f"Made from snapshot {validation.base_snapshot}." if validation.base_snapshot
            else "The file does not say which snapshot it was made from.")


def cmd_validate(args) -> int:
    from . import pipeline
    validation = pipeline.check(args.file)
    _print_problems(validation, args.json)
    if not args.json:
        print(_base_line(validation))
    return OK if validation.ok else INVALID


def _print_merge(outcome: pipeline.MergeOutcome) -> None:
    from .diff import describe
    m = outcome.merge
    print(f"Your file was made from snapshot {outcome.base.id} ({outcome.base.created_at:%d %b %Y %H:%M}); "
          f"the current map is {outcome.current_id}.")
    for title, lines in (("Your file's changes", describe(m.yours)), ("Changes by others since", describe(m.theirs))):
        print(f"{title} ({len(lines)}):")
        print("\n".join(f"  {line}" for line in lines) or "  none")
    if m.conflicts:
        print(f"Conflicts ({len(m.conflicts)}): your file would change or revert what others changed:")
        print("\n".join(f"  {c.describe()}" for c in m.conflicts))


def cmd_publish(args) -> int:
    from . import pipeline
    with pipeline.start_read(args.file) as reading:  # the child parses while the store opens (and bootstraps)
        store = pipeline.open_store()
        validation = pipeline.check(args.file, keep=pipeline.kept_sheets(store), reading=reading)
    from .snapshots import StaleSnapshot
    author = _author(args)
    if not validation.ok:
        _print_problems(validation, False)
        print("Not published: fix the errors above. The current snapshot is unchanged.", file=sys.stderr)
        return INVALID
    for p in validation.problems:
        print(p, file=sys.stderr)
    if args.overwrite:
        print("Overwrite: publishing the file exactly as it is; changes made since it was made are undone.",
              file=sys.stderr)
    elif note := pipeline.base_note(store, validation):
        print(note, file=sys.stderr)
    while True:  # a file that knows its base is published only over the map it was compared with
        current = store.current_id()
        tables, source = validation.tables, Path(args.file).name
        outcome = None if args.overwrite else pipeline.merge_upload(store, validation)
        if outcome is not None:
            _print_merge(outcome)
            if outcome.merge.conflicts and not args.merge:
                print("Not published: your file would change or revert the work of others listed above. "
                      "--merge publishes your changes and keeps theirs (the current values in every conflict); "
                      "--overwrite publishes the file exactly as it is. The current snapshot is unchanged.",
                      file=sys.stderr)
                return INVALID
            if not outcome.validation.ok:
                _print_problems(outcome.validation, False)
                print("Not published: the merged map has errors (above). The current snapshot is unchanged.",
                      file=sys.stderr)
                return INVALID
            kept = (f", keeping the current value in {len(outcome.merge.conflicts)} conflict(s)"
                    if outcome.merge.conflicts else "")
            print(f"Merged: your file's changes on top of the current map{kept}.", file=sys.stderr)
            tables, source = outcome.validation.tables, f"{source} (merged with {current})"
        expected = current if validation.base_snapshot and not args.overwrite else ...
        try:
            manifest = store.publish(tables, author=author, note=args.note, source_file=source,
                                     workbook_bytes=Path(args.file).read_bytes(), expected_current=expected)
        except StaleSnapshot:  # another publish got in first: compare again with the new map
            print("The map changed while publishing; comparing again.", file=sys.stderr)
            continue
        print(manifest.id)
        return OK


def _uk_date(text: str | None):
    from .normalise import parse_date
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _save_edit(store, base_id: str, edited, args, what: str) -> int:
    """Save an edit made on snapshot `base_id` as `pipeline.save_edit` does for the app: validated, one snapshot,
    made again on a newer map if someone published meanwhile."""
    from . import pipeline
    outcome = pipeline.save_edit(store, base_id, edited, author=_author(args), note=args.note or what)
    for p in outcome.validation.problems:
        print(p, file=sys.stderr)
    if outcome.conflicts:
        print("Not saved: someone changed the same thing meanwhile:", file=sys.stderr)
        print("\n".join(f"  {c.describe()}" for c in outcome.conflicts), file=sys.stderr)
        return INVALID
    if outcome.manifest is None:
        print(f"Not saved: {outcome.validation.summary()}. The current snapshot is unchanged.", file=sys.stderr)
        return INVALID
    print(outcome.manifest.id)
    return OK


def _author(args) -> str:
    return args.by or os.environ.get("USER") or "cli"


def cmd_set_recommendation(args) -> int:
    from . import clock, edits, pipeline
    store = pipeline.open_store()
    fields = {k: v for k, v in {"status": args.status, "owner": args.owner, "due": _uk_date(args.due),
                                "progress_note": args.progress}.items() if v is not None}
    if not fields:
        raise UsageError("give at least one of --status, --owner, --due, --progress")
    base_id = store.current_id()  # read once: the edit is made on this snapshot, whatever is published meanwhile
    try:
        edited = edits.update_recommendations(store.read_all(base_id), {args.id: fields}, clock.today())
    except KeyError:
        raise UsageError(f"no recommendation with ID '{args.id}'") from None
    return _save_edit(store, base_id, edited, args, f"Recommendation {args.id} updated")


def cmd_record_engagement(args) -> int:
    from . import clock, edits, pipeline
    from .diff import row_label
    store = pipeline.open_store()
    fields = {"date": _uk_date(args.date), "period": args.period, "organisation_id": args.organisation,
              "person_id": args.person, "forum_id": args.forum, "las_lead": args.las_lead,
              "mechanism": args.mechanism, "level": args.level, "theme": args.theme, "summary": args.summary,
              "next_steps": args.next_steps, "next_contact": _uk_date(args.next_contact)}
    base_id = store.current_id()  # read once: the edit is made on this snapshot, whatever is published meanwhile
    edited, eid = edits.record_engagement(store.read_all(base_id), fields, _author(args), clock.today())
    print(f"Engagement {eid}", file=sys.stderr)
    return _save_edit(store, base_id, edited, args, f"Recorded: {row_label(edited, 'Engagements', eid)}")


def _row_id(tables, sheet_name: str, text: str) -> str:
    """A row's ID from an ID, a name or an alias, as an upload reads a reference; unknown or ambiguous exits 2."""
    from .validate import NameIndex
    key = S.sheet(sheet_name).key
    if text in set(tables[sheet_name][key].dropna()):
        return text
    index = NameIndex(tables[sheet_name], sheet_name)
    found = index.find(text)
    if len(found) == 1:
        return next(iter(found))
    what = sheet_name.lower().rstrip("s")
    if found:
        raise UsageError(f"'{text}' names more than one {what}: " +
                         ", ".join(f"{index.label[i]} ({i})" for i in sorted(found)) + "; give the ID")
    near = index.closest(text)
    raise UsageError(f"no {what} '{text}' in the {sheet_name} sheet" + (f"; closest: {', '.join(near)}" if near else ""))


def _interval(days: int | None) -> int | None:
    if days is not None and days < 1:
        raise UsageError(f"--every must be a whole number of days of at least 1, not {days}")
    return days


def cmd_assess(args) -> int:
    from . import edits, pipeline
    from .diff import row_label
    store = pipeline.open_store()
    base_id = store.current_id()  # read once: the edit is made on this snapshot, whatever is published meanwhile
    tables = store.read_all(base_id)
    org = _row_id(tables, "Organisations", args.organisation)
    fields = {k: v for k, v in {"power": args.power, "interest": args.interest, "target_level": args.target,
                                "las_owner": args.owner, "contact_every_days": _interval(args.every)}.items()
              if v is not None}
    if args.no_interval:
        fields["contact_every_days"] = None
    if not fields:
        raise UsageError("give at least one of --power, --interest, --target, --owner, --every, --no-interval")
    edited = edits.assess_organisations(tables, {org: fields})
    return _save_edit(store, base_id, edited, args, f"Assessed: {row_label(edited, 'Organisations', org)}")


def cmd_set_interval(args) -> int:
    from . import edits, pipeline
    store = pipeline.open_store()
    base_id = store.current_id()
    tables = store.read_all(base_id)
    known = tables["Sub-groups"]
    by_key = {str(k).casefold(): i for i, n in zip(known["id"], known["name"], strict=True) for k in (i, n)}
    sg = by_key.get(" ".join(args.sub_group.split()).casefold())
    if sg is None:
        raise UsageError(f"unknown sub-group '{args.sub_group}'; expected an ID or name from the Sub-groups sheet")
    if args.every is None and not args.clear:
        raise UsageError("give --every DAYS, or --clear to remove the sub-group's default")
    days = None if args.clear else _interval(args.every)
    edited = edits.set_sub_group_intervals(tables, {sg: days})
    what = f"every {days} days" if days else "no default"
    return _save_edit(store, base_id, edited, args, f"Sub-group {sg}: contact {what}")


def cmd_snapshots(args) -> int:
    from . import pipeline
    store = pipeline.open_store()
    current = store.current_id()
    items = store.list()
    if args.json:
        print(json.dumps([{**m.__dict__, "current": m.id == current} for m in items], indent=1, ensure_ascii=False))
        return OK
    for m in items:
        mark = "*" if m.id == current else " "
        rows = sum(m.row_counts.values())
        print(f"{mark} {m.id}  {m.created_at:%d %b %Y %H:%M}  {m.author}  {m.source_file}  {rows} rows  {m.note}")
    return OK


def cmd_doctor(args) -> int:
    """Check the configured store as the app will use it; print each finding. Exit 0 all well, 2 otherwise."""
    from . import config
    from .snapshots import StoreError
    from .stores import open_location
    location = config.data_dir()
    print(f"Store: {location}")
    try:
        store = open_location(location)
        for line in store.settings():
            print(f"  {line}")
        current = store.current_id()
        print(f"ok    reachable: {len(store.events())} events, {len(store.list())} snapshots")
    except StoreError as exc:
        print(f"FAIL  reachable: {exc}")
        return UNREADABLE
    failed = False
    try:
        if current is None:
            print("ok    current snapshot: none yet (an empty store: the first run publishes the bundled map)")
        else:
            m = store.current()
            rows = sum(len(df) for df in store.read_all(current).values())
            print(f"ok    current snapshot: {m.id} of {m.created_at:%d %b %Y %H:%M} UTC, {rows} rows, every table read")
    except (StoreError, OSError) as exc:
        print(f"FAIL  current snapshot {current}: {exc}")
        failed = True
    try:
        store.probe_write()
        print("ok    write permission: wrote and deleted a probe")
    except (StoreError, OSError) as exc:
        print(f"FAIL  write permission: {exc}")
        failed = True
    try:
        leftovers = store.leftovers()
        if not leftovers:
            print("ok    leftovers: none (no unpublished snapshot, no temporary file)")
        else:  # not a failure: never listed or read; sweep removes them
            print(f"WARN  leftovers of interrupted publishes: {len(leftovers)}, never listed or read; "
                  f"`sweep` removes those over {_age_limit()} old:")
            for item in leftovers:
                print(f"        {item.describe()}")
    except (StoreError, OSError) as exc:
        print(f"FAIL  leftovers: {exc}")
        failed = True
    return UNREADABLE if failed else OK


def _age_limit() -> str:
    from . import snapshots
    minutes = int(snapshots.orphan_age().total_seconds() // 60)
    return f"{minutes // 60} hour{'s' * (minutes != 60)}" if minutes and minutes % 60 == 0 else f"{minutes} min"


def cmd_sweep(args) -> int:
    """Remove what interrupted publishes left once it is old enough (an hour: a younger one may be a publish still
    under way); never anything a snapshot or the history names."""
    from . import config
    from .stores import open_location
    removed, kept = open_location(config.data_dir()).sweep()
    for item in removed:
        print(f"removed  {item.describe()}")
    for item in kept:
        print(f"kept     {item.describe()}: a publish may still be under way (swept once {_age_limit()} old)")
    print(f"Removed {len(removed)} leftover(s) of interrupted publishes"
          + (f"; kept {len(kept)} younger than {_age_limit()} (run sweep again later)." if kept else "."))
    return OK


def cmd_rollback(args) -> int:
    from . import pipeline
    store = pipeline.open_store()
    m = store.rollback(args.id, author=_author(args), note=args.note)
    print(f"Current snapshot is now {m.id} ({m.created_at:%d %b %Y %H:%M}, {m.note or m.source_file}).")
    return OK


def cmd_diff(args) -> int:
    from . import pipeline
    from .diff import describe
    store = pipeline.open_store()
    if args.old and not args.new and args.old.lower().endswith(".xlsx"):
        return _diff_file(store, args.old)
    if args.new and not args.old:
        raise UsageError("give OLD before NEW")
    if args.old:
        old, new = args.old, args.new or store.current_id()
    else:
        events = store.events()
        new = store.current_id()
        old = events[-1]["previous"] if events else None
        if old is None:
            print("Only one snapshot: nothing to compare.")
            return OK
    lines = describe(store.diff(old, new))
    print(f"Changes from {old} to {new}:")
    print("\n".join(lines) if lines else "No changes.")
    return OK


def _diff_file(store, path: str) -> int:
    """A workbook against the map: three ways when it knows its base, else against the current map."""
    from . import pipeline
    from .diff import describe, diff_tables
    validation = pipeline.check(path, keep=pipeline.kept_sheets(store))
    print(_base_line(validation))
    if not validation.ok:
        _print_problems(validation, False)
        return INVALID
    outcome = pipeline.merge_upload(store, validation)
    if outcome is not None:
        _print_merge(outcome)
        return OK
    if note := pipeline.base_note(store, validation):
        print(note)
    lines = describe(diff_tables(store.read_all(store.current_id()), validation.tables))
    print(f"Changes from the current map {store.current_id()} to {path}:")
    print("\n".join(lines) if lines else "No changes.")
    return OK


def cmd_export(args) -> int:
    from . import export, pipeline, queries
    if args.list:
        for name, view in queries.VIEWS.items():
            print(f"{name:16} {view.title}")
        return OK
    if not args.view:
        raise UsageError("name a view (see `export --list`)")
    if args.view not in queries.VIEWS:
        raise UsageError(f"unknown view '{args.view}'; known: {', '.join(queries.VIEWS)}")
    store = pipeline.open_store()
    flt = build_filter(args.hcp, args.sub_group, store)
    if args.view == "mine" and not args.owner:
        raise UsageError("export mine needs --owner NAME_OR_ROLE (a member of the LAS team)")
    if args.owner:
        flt = _owner_filter(flt, args.owner, args.view, store)
    con = queries.connect(store, store.current_id())
    df = queries.run(con, args.view, flt)
    data = export.to_xlsx_bytes(df, queries.VIEWS[args.view].title) if args.format == "xlsx" else export.to_csv_bytes(df)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
        print(f"Wrote {len(df)} rows to {args.output}", file=sys.stderr)
    return OK


def _owner_filter(flt: queries.Filter, owner: str, view: str, store) -> queries.Filter:
    """`flt` narrowed to one LAS owner, by role or name as the pages match them; refused for a view without owners
    (it would export rows the owner does not own)."""
    import dataclasses

    from . import queries, team
    if queries.VIEWS[view].owner_col is None:
        with_owner = [name for name, v in queries.VIEWS.items() if v.owner_col]
        raise UsageError(f"the view '{view}' has no owner to filter by; --owner works with: {', '.join(with_owner)}")
    members = store.read(store.current_id(), "LAS team")
    keys = team.keys_for(members, owner)
    if not team.known(members) & set(keys):
        print(f"lasdash: '{owner}' is not on the LAS team sheet; matching it as written", file=sys.stderr)
    return dataclasses.replace(flt, owner=owner.strip(), owner_keys=keys)


def cmd_calendar(args) -> int:
    """An .ics of the reminders under the filter: contacts due, planned contacts, recommendations' due dates."""
    import datetime as dt

    from . import clock, config, pipeline, queries, reminders
    store = pipeline.open_store()
    flt = build_filter(args.hcp, args.sub_group, store)
    if args.owner:
        flt = _owner_filter(flt, args.owner, "reminders", store)
    manifest = store.current()
    found = reminders.items(queries.connect(store, manifest.id), flt)
    name = "LAS relationships" + (f": {flt.describe()}" if flt != queries.NO_FILTER else "")
    data = reminders.calendar(found, name=name, now=dt.datetime.now(dt.UTC),
                              seq=reminders.sequence(manifest.created_at, clock.today()), base_url=config.base_url())
    Path(args.output).write_bytes(data)
    dated = sum(i.date is not None for i in found)
    print(f"Wrote {dated} events to {args.output}" + (f" ({len(found) - dated} undated items left out: never contacted, "
                                                        "with no interval)" if dated < len(found) else ""),
          file=sys.stderr)
    return OK


def cmd_digest(args) -> int:
    """Each LAS team member with an email and something due gets one message; see lasdash.digest."""
    from . import digest, pipeline
    return digest.run(pipeline.open_store(), dry_run=args.dry_run, to=args.to, author=_author(args))


def build_filter(hcps: list[str] | None, sub_groups: list[str] | None, store) -> queries.Filter:
    """A Filter from CLI values; HCP codes and sub-groups (by ID or name) are checked, not trusted."""
    from . import queries
    codes = []
    for h in hcps or []:
        code = next((c for c in S.HCP_CODES if c.lower() == h.strip().lower()), None)
        if code is None:
            raise UsageError(f"unknown HCP '{h}'; expected one of {', '.join(S.HCP_CODES)}")
        codes.append(code)
    ids = []
    if sub_groups:
        known = store.read(store.current_id(), "Sub-groups")
        by_key = {str(k).lower(): i for i, n in zip(known["id"], known["name"], strict=True) for k in (i, n)}
        for sg in sub_groups:
            if sg.strip().lower() not in by_key:
                raise UsageError(f"unknown sub-group '{sg}'; expected an ID or name from the Sub-groups sheet")
            ids.append(by_key[sg.strip().lower()])
    return queries.Filter(tuple(codes), tuple(ids))


def cmd_brief(args) -> int:
    """A meeting brief as PDF, from the current snapshot. typst is loaded only here (by brief.render_pdf)."""
    import datetime as dt

    from . import brief, pipeline, queries

    store = pipeline.open_store()
    snapshot_id = store.current_id()
    con = queries.connect(store, snapshot_id)
    try:
        subject = brief.resolve(con, args.kind, args.name)
    except brief.UnknownSubject as exc:
        raise UsageError(str(exc)) from None
    data = brief.build(con, subject, manifest=store.manifest(snapshot_id), made_by=_author(args),
                       made_at=dt.datetime.now(dt.UTC))
    Path(args.output).write_bytes(brief.render_pdf(data))
    print(f"Wrote the brief on {subject.name} ({subject.id}) to {args.output}", file=sys.stderr)
    return OK


def cmd_template(args) -> int:
    from .workbook import workbook_bytes
    Path(args.output).write_bytes(workbook_bytes(None))
    print(f"Wrote the blank template to {args.output}", file=sys.stderr)
    return OK


def cmd_workbook(args) -> int:
    from . import pipeline
    from .workbook import snapshot_workbook_bytes
    store = pipeline.open_store()
    Path(args.output).write_bytes(snapshot_workbook_bytes(store, args.snapshot or store.current_id()))
    print(f"Wrote the current map to {args.output}", file=sys.stderr)
    return OK


def cmd_build_default(args) -> int:
    from .defaults import build_default_workbook

    out = build_default_workbook(args.output) if args.output else build_default_workbook()
    print(f"Wrote {out}", file=sys.stderr)
    return OK


def cmd_synth(args) -> int:
    from .synth import write_synthetic

    if args.scale < 1:
        raise UsageError("--scale must be a whole number of at least 1")
    counts = write_synthetic(args.output, args.scale)
    print(f"Wrote a SYNTHETIC map ({args.scale}x the default, {sum(counts.values()):,} rows) to {args.output}",
          file=sys.stderr)
    return OK


def _scales(text: str) -> tuple[int, ...]:
    try:
        scales = tuple(int(s) for s in text.split(",") if s.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers separated by commas, e.g. 1,10,100; got {text!r}") from None
    if not scales or min(scales) < 1:
        raise argparse.ArgumentTypeError("scales must be whole numbers of at least 1")
    return scales


def cmd_bench(args) -> int:
    from .bench import main as bench

    bench(args.scales, args.smoke, args.json)
    return OK


def _author_options(s: argparse.ArgumentParser) -> None:
    s.add_argument("--by", default=None, help="author (default: $USER)")
    s.add_argument("--note", default="", help="note for the snapshot")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m lasdash", description="The LAS stakeholder map: validate, "
                                "publish and export. The store is LASDASH_DATA_DIR (default data/store).")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("validate", help="check a workbook (exit 0 valid, 1 errors, 2 unreadable)")
    s.add_argument("file")
    s.add_argument("--json", action="store_true", help="print the problems as JSON")
    s.set_defaults(func=cmd_validate)
    s = sub.add_parser("publish", help="validate, then publish as the new current snapshot")
    s.add_argument("file")
    s.add_argument("--note", default="")
    s.add_argument("--by", default=None, help="author (default: $USER)")
    how = s.add_mutually_exclusive_group()
    how.add_argument("--merge", action="store_true",
                     help="a file made from an older snapshot: publish the merge, keeping current values in conflicts")
    how.add_argument("--overwrite", action="store_true",
                     help="publish the file exactly as it is, undoing changes made since it was made")
    s.set_defaults(func=cmd_publish)
    s = sub.add_parser("set-recommendation", help="set a recommendation's status, owner, due date or progress note "
                       "(one snapshot, validated like an upload)")
    s.add_argument("id")
    s.add_argument("--status", choices=S.RECOMMENDATION_STATUSES)
    s.add_argument("--owner")
    s.add_argument("--due", help="dd/mm/yyyy")
    s.add_argument("--progress", help="progress note")
    _author_options(s)
    s.set_defaults(func=cmd_set_recommendation)
    s = sub.add_parser("record-engagement", help="record an engagement; organisation, person and forum by ID or name")
    s.add_argument("--date", help="dd/mm/yyyy")
    s.add_argument("--period", help="as written, when only a period is known")
    s.add_argument("--organisation")
    s.add_argument("--person")
    s.add_argument("--forum")
    s.add_argument("--las-lead")
    s.add_argument("--mechanism")
    s.add_argument("--level", choices=S.ENGAGEMENT_LEVELS)
    s.add_argument("--theme")
    s.add_argument("--summary")
    s.add_argument("--next-steps")
    s.add_argument("--next-contact", help="dd/mm/yyyy")
    _author_options(s)
    s.set_defaults(func=cmd_record_engagement)
    s = sub.add_parser("assess", help="an organisation's power, interest, target engagement, LAS relationship owner "
                       "and contact interval, as one snapshot")
    s.add_argument("organisation", metavar="ORG", help="an ID, a name or an alias")
    s.add_argument("--power", choices=S.POWER_INTEREST)
    s.add_argument("--interest", choices=S.POWER_INTEREST)
    s.add_argument("--target", choices=S.ENGAGEMENT_LEVELS, help="target engagement level")
    s.add_argument("--owner", help="LAS relationship owner: a role or name from the LAS team sheet")
    every = s.add_mutually_exclusive_group()
    every.add_argument("--every", type=int, metavar="DAYS", help="contact interval in days (blank: the sub-group's)")
    every.add_argument("--no-interval", action="store_true", help="clear the organisation's own interval")
    _author_options(s)
    s.set_defaults(func=cmd_assess)
    s = sub.add_parser("set-interval", help="a sub-group's default contact interval, for its organisations that "
                       "have none of their own")
    s.add_argument("sub_group", metavar="SUB_GROUP", help="a sub-group ID or name")
    days = s.add_mutually_exclusive_group()
    days.add_argument("--every", type=int, metavar="DAYS")
    days.add_argument("--clear", action="store_true", help="remove the default")
    _author_options(s)
    s.set_defaults(func=cmd_set_interval)
    s = sub.add_parser("snapshots", help="list snapshots; * marks the current one")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_snapshots)
    s = sub.add_parser("rollback", help="make an earlier snapshot current (recorded; undo by rolling back again)")
    s.add_argument("id")
    s.add_argument("--by", default=None)
    s.add_argument("--note", default="")
    s.set_defaults(func=cmd_rollback)
    s = sub.add_parser("diff", help="row- and field-level changes (default: previous vs current); "
                       "diff FILE.xlsx: a workbook against the map, three ways when it records its base")
    s.add_argument("old", nargs="?")
    s.add_argument("new", nargs="?")
    s.set_defaults(func=cmd_diff)
    s = sub.add_parser("export", help="a view's filtered table, exactly as the page offers it")
    s.add_argument("view", nargs="?")
    s.add_argument("--list", action="store_true", help="name the views")
    s.add_argument("--hcp", action="append", help="HCP code (repeatable): NWL, NCL, NEL, SEL, SWL")
    s.add_argument("--sub-group", action="append", help="sub-group ID or name (repeatable)")
    s.add_argument("--owner", default=None, metavar="NAME_OR_ROLE",
                   help="only what this LAS team member owns, leads or attends, by role or name (`mine` needs it)")
    s.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    s.add_argument("-o", "--output", default=None, help="file (default: standard output)")
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("brief", help="a meeting brief on a forum, organisation, person or HCP, as an accessible PDF")
    s.add_argument("kind", choices=S.BRIEF_KINDS)
    s.add_argument("name", metavar="NAME_OR_ID", help="an ID, a name or an alias (case and spacing do not matter)")
    s.add_argument("-o", "--output", required=True, help="the PDF file to write")
    s.add_argument("--by", default=None, help="who the brief says made it (default: $USER)")
    s.set_defaults(func=cmd_brief)
    s = sub.add_parser("calendar", help="an .ics calendar of contacts due, planned contacts and recommendations' due "
                       "dates (RFC 5545; importing it again updates the events)")
    s.add_argument("--owner", default=None, metavar="NAME_OR_ROLE", help="only this LAS team member's, by role or name")
    s.add_argument("--hcp", action="append", help="HCP code (repeatable): NWL, NCL, NEL, SEL, SWL")
    s.add_argument("--sub-group", action="append", help="sub-group ID or name (repeatable)")
    s.add_argument("-o", "--output", required=True, help="the .ics file to write")
    s.set_defaults(func=cmd_calendar)
    s = sub.add_parser("digest", help="email each LAS team member their overdue, due-soon and never-contacted "
                       "organisations and recommendations near their due date (once a day at most)")
    s.add_argument("--dry-run", action="store_true", help="print each message instead of sending it")
    s.add_argument("--to", default=None, metavar="ADDRESS", help="send every message to this one reviewer")
    s.add_argument("--by", default=None, help="who sends it, as recorded (default: $USER)")
    s.set_defaults(func=cmd_digest)
    s = sub.add_parser("template", help="a blank workbook with headers, dropdowns and instructions")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_template)
    s = sub.add_parser("workbook", help="the current map as a workbook")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--snapshot", default=None, help="another snapshot's ID")
    s.set_defaults(func=cmd_workbook)
    s = sub.add_parser("build-default", help="(maintainers) rebuild data/lasdash-map.xlsx from data/seed/*.csv")
    s.add_argument("-o", "--output", default=None)
    s.set_defaults(func=cmd_build_default)
    s = sub.add_parser("synth", help="a SYNTHETIC workbook N times the default map, for the benchmark")
    s.add_argument("--scale", type=int, required=True, help="how many times the default map (1 = the map itself)")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_synth)
    s = sub.add_parser("doctor", help="check the store LASDASH_DATA_DIR names: reachable, readable, writable, and "
                       "what interrupted publishes left")
    s.set_defaults(func=cmd_doctor)
    s = sub.add_parser("sweep", help="remove what interrupted publishes left (unpublished snapshots, temporary files) "
                       "once older than an hour")
    s.set_defaults(func=cmd_sweep)
    s = sub.add_parser("bench", help="the benchmark: ingest, pages, queries, CSV, briefs and memory as ratios")
    s.add_argument("--scales", type=_scales, default=None, help="comma-separated, default 1,10,100 (smoke: 1)")
    s.add_argument("--json", default=None, metavar="FILE", help="also write the results as JSON")
    s.add_argument("--smoke", action="store_true", help="one repeat of each, no browser: checks that it runs")
    s.set_defaults(func=cmd_bench)
    return p


def _raised(exc: BaseException, module: str, name: str) -> bool:
    """Whether `exc` is lasdash.<module>.<name>, without importing the module: an exception of a module not loaded
    cannot have been raised (importing lasdash.snapshots would load pandas before every command)."""
    loaded = sys.modules.get(f"lasdash.{module}")
    return loaded is not None and isinstance(exc, getattr(loaded, name))


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # --help and usage errors end here, before anything heavy is loaded
    thresholds = gc.get_threshold()
    if args.command != "bench":
        # A command is a short process: collect cycles less often. Each collection walks every object alive, the
        # modules pandas and pyarrow loaded and every cell read so far (0.2 s of a publish at 100x the map).
        gc.set_threshold(100_000, 50, 1000)
    try:
        return args.func(args)
    except BrokenPipeError:
        return OK
    except Exception as exc:
        if _raised(exc, "reader", "ReadError"):
            print(f"lasdash: cannot read {getattr(args, 'file', 'the file')}: {exc}", file=sys.stderr)
            return UNREADABLE
        if isinstance(exc, UsageError) or _raised(exc, "snapshots", "StoreError"):
            print(f"lasdash: {exc}", file=sys.stderr)
            return UNREADABLE
        if isinstance(exc, OSError):
            print(f"lasdash: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
            return UNREADABLE
        raise
    finally:
        gc.set_threshold(*thresholds)  # as it was, for a caller in the same process (the tests)

"""`python -m lasdash digest`: one message to each LAS team member with an email and something due.

Once a day at most: each message sent is recorded in the store as a notice (Store.record_notice) named by the day
and the member, created only if absent, so a rerun, a second process or a replica sends nothing new. The notice is
taken before sending and withdrawn if sending fails, so nothing is recorded as sent that was not. The server is
reached and logged in to before anything is recorded: a refused login, an untrusted certificate or an unreachable
server is one line and exit 2, with nothing sent or recorded.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import smtplib
import sys
from email.headerregistry import Address

from . import clock, config, mail, queries, reminders
from .snapshots import Store

OK, PARTLY, UNUSABLE = 0, 1, 2
DRY_RUN_SENDER = "lasdash-dry-run@example.invalid"


def notice_key(day: dt.date, d: reminders.Digest, to: str | None) -> str:
    """'digest-20261206-<member>'; a review copy (--to) has its own, so reviewing never counts as sending."""
    if to:
        reviewer = hashlib.sha256(to.strip().casefold().encode()).hexdigest()[:12]
        return f"review-{day:%Y%m%d}-{reviewer}-{d.key}"
    return f"digest-{day:%Y%m%d}-{d.key}"


def run(store: Store, *, dry_run: bool = False, to: str | None = None, author: str = "cli", out=None,
        err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    today = clock.today()
    manifest = store.current()
    con = queries.connect(store, manifest.id)
    found = reminders.digests(con, store.read(manifest.id, "LAS team"), today)
    if to:
        try:
            to = Address(addr_spec=to.strip()).addr_spec
        except (ValueError, IndexError):
            print(f"lasdash: --to {to!r} is not one email address", file=err)
            return UNUSABLE
    if not found:
        print("No team member with an email has anything due: no message to send.", file=err)
        return OK
    base, seq, now = config.base_url(), reminders.sequence(manifest.created_at, today), dt.datetime.now(dt.UTC)
    if dry_run:
        sender = _sender_or(DRY_RUN_SENDER)
        for d in found:
            print(_compose(d, sender, today, seq, now, base, to).as_string(), file=out)
            print("=" * 72, file=out)
        print(f"Dry run: {len(found)} message(s) printed, none sent, nothing recorded.", file=err)
        return OK
    try:
        settings = mail.Settings.from_env()
        sent_today = {n["key"] for n in store.notices()}
        due = [d for d in found if notice_key(today, d, to) not in sent_today]
        if not due:
            print(f"Already sent today: {len(found)} message(s); nothing new to send.", file=err)
            return OK
        smtp = mail.connect(settings)
    except mail.MailError as exc:
        print(f"lasdash: {exc}. Nothing was sent or recorded.", file=err)
        return UNUSABLE
    sent = failed = 0
    try:
        for d in due:
            key = notice_key(today, d, to)
            address = to or d.member["email"].strip()
            try:
                message = _compose(d, settings.sender, today, seq, now, base, to)
            except (ValueError, IndexError) as exc:  # an address that cannot be one: this member only
                print(f"Not sent to {d.member['role']}: {exc}", file=err)
                failed += 1
                continue
            if not store.record_notice(key, {"kind": "digest", "to": address, "member": d.member["id"],
                                             "role": d.member["role"], "items": len(d.all), "day": today.isoformat(),
                                             "by": author, "snapshot": manifest.id, "review": bool(to),
                                             "fingerprint": d.fingerprint()}):
                continue  # another run sent it meanwhile
            try:
                mail.send(smtp, message)
            except (smtplib.SMTPException, OSError) as exc:
                store.withdraw_notice(key)
                print(f"Not sent to {address} ({d.member['role']}): {mail.reason(exc)}", file=err)
                failed += 1
                if isinstance(exc, smtplib.SMTPServerDisconnected):
                    try:
                        smtp = mail.connect(settings)
                    except mail.MailError as again:
                        print(f"lasdash: {again}. The rest were not sent.", file=err)
                        failed += len(due) - sent - failed
                        break
                continue
            sent += 1
            print(f"Sent to {address} ({d.member['role']}): {len(d.all)} item(s)", file=err)
    finally:
        mail.close(smtp)
    skipped = len(found) - len(due)
    print(f"Sent {sent}, failed {failed}" + (f", {skipped} already sent today" if skipped else "") + ".", file=err)
    return OK if not failed else PARTLY


def _sender_or(default: str) -> str:
    try:
        return mail.Settings.from_env().sender or default
    except mail.MailError:
        return default


def _compose(d: reminders.Digest, sender: str, today: dt.date, seq: int, now: dt.datetime, base: str | None,
             to: str | None):
    name = d.member["name"] or d.member["role"]
    ics = reminders.calendar(d.all, name=f"LAS relationships: {name}", now=now, seq=seq, base_url=base)
    return reminders.message(d, sender=sender, today=today, ics=ics, base_url=base, to=to)

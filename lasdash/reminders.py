"""Reminders that reach the owner: the calendar (.ics) of contacts due, planned contacts and recommendations' due
dates, and the weekly digest each LAS team member with an email receives.

Both are made of the `reminders` view's rows (lasdash/views/reminders.sql), under the same filters as the pages (an
owner, an HCP, a sub-group). The calendar is built with `icalendar`, never by joining strings, so map text in a
SUMMARY or DESCRIPTION is escaped as a value and cannot start a property or an event. Sending is lasdash.mail.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from urllib.parse import quote, urlencode

import pandas as pd

from . import queries, team

PRODID = "-//London Ambulance Service//lasdash reminders//EN"
SOON_DAYS = 7  # "contacts due in the next 7 days"
NEAR_DUE_DAYS = 14  # a recommendation "near its due date"
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
KINDS = ("Contact due", "Planned contact", "Recommendation due")


@dataclass(frozen=True)
class Item:
    """One reminder: a row of the reminders view."""
    kind: str
    id: str
    about: str
    date: dt.date | None
    status: str
    days_overdue: int | None
    owners: str | None
    last_engagement: str | None
    detail: str | None
    page: str

    @property
    def uid(self) -> str:
        """Stable across exports (from what the event is about, never its wording), so importing again updates it."""
        digest = hashlib.sha256(f"{self.kind}\x00{self.id}".encode()).hexdigest()[:32]
        return f"{digest}@lasdash"

    @property
    def summary(self) -> str:
        """'Contact due: London Fire Brigade (overdue 12 days)', in plain words, on one line."""
        about = " ".join(self.about.split())
        if self.kind == "Contact due":
            state = (f"overdue {self.days_overdue} day{'s' * (self.days_overdue != 1)}" if self.days_overdue
                     else "never contacted" if self.status == "Never contacted" else None)
        elif self.kind == "Recommendation due":
            state = (f"overdue {self.days_overdue} day{'s' * (self.days_overdue != 1)}" if self.days_overdue
                     else self.status.lower())
        else:
            state = None
        return f"{self.kind}: {about}" + (f" ({state})" if state else "")


ITEM_COLUMNS = {c: f'"{c}"' for c in ("Kind", "ID", "About", "Date", "Status", "Days overdue", "LAS owner",
                                        "Last engagement", "Detail", "Page")}


def items(con, flt: queries.Filter = queries.NO_FILTER) -> list[Item]:
    """The reminders under a filter, in the view's order (fetched as Python values: no table is built)."""
    return [_item(*row) for row in queries.project(con, "reminders", flt, ITEM_COLUMNS)]


def _item(kind, id_, about, date, status, days, owners, last_engagement, detail, page) -> Item:
    if isinstance(date, dt.datetime):
        date = date.date()
    return Item(kind, id_, about or id_, date, status, int(days) if days is not None else None, owners,
                last_engagement, detail, page)


def link(base_url: str | None, item: Item) -> str | None:
    """The page that shows the item, when the public base URL is configured (LASDASH_BASE_URL)."""
    return f"{base_url.rstrip('/')}/{quote(item.page)}" if base_url else None


def sequence(snapshot_created: dt.datetime, today: dt.date) -> int:
    """SEQUENCE, without state: seconds since 2020 to the later of the snapshot's publication and the start of today.
    What an event says changes only with the map (a new snapshot) or the day (its days overdue), and both raise it;
    the same snapshot on the same day gives the same number, so importing twice changes nothing."""
    start_of_day = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    return int((max(snapshot_created, start_of_day) - EPOCH).total_seconds())  # an RFC 5545 integer until 2088


def description(item: Item, base_url: str | None) -> str:
    lines = [item.summary]
    if item.detail:
        lines.append(item.detail)
    if item.last_engagement:
        lines.append(f"Last engagement: {item.last_engagement}")
    elif item.kind == "Contact due":
        lines.append("Last engagement: none recorded")
    if item.owners:
        lines.append(f"LAS owner: {item.owners}")
    if url := link(base_url, item):
        lines.append(url)
    return "\n".join(lines)


def calendar(found: list[Item], *, name: str, now: dt.datetime, seq: int, base_url: str | None = None) -> bytes:
    """RFC 5545, METHOD:PUBLISH: one all-day VEVENT per dated item."""
    import icalendar  # only the calendar and the digest need it

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", " ".join(name.split()))
    for item in found:
        if item.date is None:
            continue
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("sequence", seq)
        event.add("dtstart", item.date)
        event.add("dtend", item.date + dt.timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", description(item, base_url))
        event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: it does not make anyone busy
        event.add("categories", [item.kind])
        if url := link(base_url, item):
            event.add("url", url)
        cal.add_component(event)
    return ical_bytes(cal)


def ical_bytes(component) -> bytes:
    """`component.to_ical()`, byte for byte, faster: icalendar folds every line character by character (a fifth of
    the digest's time at S100). Lines of ASCII, nearly all here, are folded as it folds them; any other line by it."""
    return b"\r\n".join(_folded(line) for line in component.content_lines() if line) + b"\r\n"


FOLD_AT = 74  # characters a folded ASCII line holds: under RFC 5545's 75 octets, as icalendar folds


def _folded(line) -> bytes:
    if not line.isascii():
        return line.to_ical()
    parts, start = [], 0
    while len(line) - start > FOLD_AT:
        end = start + FOLD_AT
        if line[end - 1] in "\\^":  # as icalendar: a part never ends on the first character of an escape
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return "\r\n ".join(parts).encode()


# --- the digest -----------------------------------------------------------------------------------------------------
@dataclass
class Digest:
    """One team member's message: what they own that is overdue, never contacted, due soon or near its due date."""
    member: dict  # the LAS team row: id, role, name, email
    overdue: list[Item] = field(default_factory=list)  # overdue and never-contacted organisations
    soon: list[Item] = field(default_factory=list)  # contacts due, or planned, in the next SOON_DAYS days
    recommendations: list[Item] = field(default_factory=list)  # open, past or within NEAR_DUE_DAYS of their due date

    @property
    def all(self) -> list[Item]:
        return [*self.overdue, *self.soon, *self.recommendations]

    @property
    def key(self) -> str:
        """What a sent record is named by: the member and their address (not the address alone, which may change)."""
        return hashlib.sha256(f"{self.member['id']}\x00{self.member['email'].strip().casefold()}".encode()
                              ).hexdigest()[:24]

    def fingerprint(self) -> str:
        return hashlib.sha256("\n".join(f"{i.uid} {i.date} {i.summary}" for i in self.all).encode()).hexdigest()[:16]


def digests(con, members: pd.DataFrame, today: dt.date) -> list[Digest]:
    """One digest per team member with an email and something to say; nobody gets an empty one. The reminders are
    read once and shared out by owner, matched as the owner filter matches them (team.norm of each part)."""
    everyone = items(con)
    by_owner: dict[str, list[int]] = {}  # each owner key -> the positions of the items it finds
    for i, item in enumerate(everyone):
        for key in {team.norm(part) for part in team.split(item.owners)}:
            by_owner.setdefault(key, []).append(i)
    out = []
    records = team.members(members)
    for member in records:
        if not (member["email"] or "").strip():
            continue
        found = sorted({i for key in team.keys_for(records, member["name"] or member["role"])
                        for i in by_owner.get(key, ())})  # in the view's order, once each
        d = Digest(member)
        for item in (everyone[i] for i in found):
            if item.kind == "Contact due" and item.status in ("Overdue", "Never contacted"):
                d.overdue.append(item)
            elif item.kind in ("Contact due", "Planned contact") and item.date is not None \
                    and today <= item.date <= today + dt.timedelta(days=SOON_DAYS):
                d.soon.append(item)
            elif item.kind == "Recommendation due" and item.date <= today + dt.timedelta(days=NEAR_DUE_DAYS):
                d.recommendations.append(item)
        if d.all:
            out.append(d)
    return out


def _sections(d: Digest) -> list[tuple[str, list[Item]]]:
    return [(f"Overdue or never contacted ({len(d.overdue)})", d.overdue),
            (f"Due in the next {SOON_DAYS} days ({len(d.soon)})", d.soon),
            (f"Your open recommendations past or near their due date ({len(d.recommendations)})", d.recommendations)]


def _line(item: Item) -> str:
    when = f"{item.date:%d %b %Y}: " if item.date else ""
    return when + item.summary


def subject(d: Digest) -> str:
    parts = [f"{len(d.overdue)} overdue or never contacted" if d.overdue else None,
             f"{len(d.soon)} due this week" if d.soon else None,
             f"{len(d.recommendations)} recommendation{'s' * (len(d.recommendations) != 1)} due" if d.recommendations
             else None]
    return "LAS relationships: " + ", ".join(p for p in parts if p)


def message(d: Digest, *, sender: str, today: dt.date, ics: bytes, base_url: str | None = None,
            to: str | None = None) -> EmailMessage:
    """Plain text with an HTML alternative and the .ics of the same items. Headers go through EmailMessage and
    Address, so a name cannot add a header or a recipient; map text in the HTML is escaped."""
    member = d.member
    name = " ".join(str(member["name"] or member["role"]).split())  # one line: no CR/LF reaches a header
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = subject(d)
    msg["From"] = Address(addr_spec=sender.strip())
    msg["To"] = Address(display_name=name, addr_spec=(to or member["email"]).strip())
    msg["Date"] = dt.datetime.now(dt.UTC)
    dashboard = f"{base_url.rstrip('/')}/mine?{urlencode({'owner': name}, quote_via=quote)}" if base_url else None
    text = [f"Dear {name},", "", f"What the LAS stakeholder map says is yours to do, as of {today:%d %b %Y}.", ""]
    for heading, found in _sections(d):
        if found:
            text += [heading, *(f"- {_line(i)}" for i in found), ""]
    text += [f"Your list: {dashboard}" if dashboard else "Your list: My relationships, in the dashboard.",
             "The attached calendar (reminders.ics) holds the dated items; importing it again updates them.",
             "", "Sent by lasdash once a week to each LAS team member with something due."]
    msg.set_content("\n".join(text))
    body = [f"<p>Dear {html.escape(name)},</p>",
            f"<p>What the LAS stakeholder map says is yours to do, as of {today:%d %b %Y}.</p>"]
    for heading, found in _sections(d):
        if found:
            body.append(f"<h2>{html.escape(heading)}</h2><ul>"
                        + "".join(f"<li>{html.escape(_line(i))}</li>" for i in found) + "</ul>")
    if dashboard:
        body.append(f'<p><a href="{html.escape(dashboard, quote=True)}">Your list: My relationships</a></p>')
    body.append("<p>The attached calendar (reminders.ics) holds the dated items; importing it again updates them.</p>")
    msg.add_alternative("<!doctype html><html lang=\"en\"><body>" + "".join(body) + "</body></html>", subtype="html")
    msg.add_attachment(ics, maintype="text", subtype="calendar", filename="reminders.ics",
                       params={"method": "PUBLISH"})
    return msg

"""Today's date in London: the one place 'today' comes from, for the queries and for edits.

The server's own zone is usually UTC, so between midnight and 01:00 in summer its date would be yesterday's.
"""
import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(LONDON).date()

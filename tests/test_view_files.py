"""The SQL files in lasdash/views/: one per view, each with a well-formed header, each valid SQL on the bundled map."""
import re
from pathlib import Path

import pytest

from lasdash import queries

VIEW_DIR = Path(queries.__file__).parent / "views"
NAMED = sorted(VIEW_DIR.glob("*.sql"))
DERIVED = sorted((VIEW_DIR / "derived").glob("*.sql"))


def test_every_file_is_a_view_and_every_view_a_file():
    assert sorted(p.stem for p in NAMED) == sorted(queries.VIEWS) == sorted(queries.VIEW_ORDER)
    assert sorted(p.stem for p in DERIVED) == sorted(queries._DERIVED)
    assert list(queries.VIEWS) == list(queries.VIEW_ORDER)  # the order pages and `export --list` show
    others = [p for p in VIEW_DIR.rglob("*") if p.is_file() and p.suffix != ".sql"]
    assert not others, "only .sql files belong in lasdash/views/"
    assert {p.parent for p in VIEW_DIR.rglob("*.sql")} == {VIEW_DIR, VIEW_DIR / "derived"}


@pytest.mark.parametrize("path", NAMED, ids=lambda p: p.stem)
def test_named_view_header(path):
    header, sql = queries.read_view_file(path)  # raises on an unknown or repeated key, or no title
    assert header["title"][0] and set(header) <= queries.HEADER_KEYS
    view = queries.VIEWS[path.stem]
    assert view.title == header["title"][0] and view.sql == sql
    assert "scope" not in header or "{scope}" in sql, "a scope for a view with no Scope column"
    # only our three placeholders (a regex's {2} is no placeholder), and {where} where the filter goes
    assert set(re.findall(r"\{([A-Za-z_]\w*)\}", sql)) <= {"where", "scope", "scope_order"}
    assert "{where}" in sql or not (view.footprint_col or view.sub_group_col or view.search_cols)
    assert ("{scope}" in sql) == ("{scope_order}" in sql)


@pytest.mark.parametrize("path", DERIVED, ids=lambda p: p.stem)
def test_derived_view_header(path):
    header, sql = queries.read_view_file(path)
    assert set(header) == {"title"} and header["title"][0]  # the filter keys mean nothing here
    assert sql and not re.search(r"\{([A-Za-z_]\w*)\}", sql)  # run as written: no placeholders
    assert not re.search(r"(?i)\bcreate\b", sql), "a file holds a SELECT; connect names the view after the file"


@pytest.mark.parametrize("name", list(queries.VIEWS))
def test_view_parses_on_the_bundled_map(map_con, name):
    sql, params = queries.view_sql(queries.VIEWS[name], queries.Filter(hcps=("NCL",), sub_groups=("SG01",),
                                                                          search="x"))
    cur = queries._cursor(map_con)
    cur.execute(f"SELECT * FROM ({sql}) LIMIT 0", params)
    cur.execute(f"EXPLAIN {queries.view_sql(queries.VIEWS[name], queries.NO_FILTER)[0]}")


@pytest.mark.parametrize("name", queries._DERIVED)
def test_derived_view_exists_on_the_bundled_map(map_con, name):
    assert map_con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] > 0

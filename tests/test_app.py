"""AppTest smoke tests: the app runs on the bundled data without an exception."""
from streamlit.testing.v1 import AppTest

from lasdash import config

APP = str(config.REPO_ROOT / "app.py")


def test_app_shows_as_of_date_and_row_counts(data_dir):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "Snapshot as of" in at.caption[0].value
    counts = at.dataframe[0].value
    assert dict(zip(counts["Sheet"], counts["Rows"]))["Sub-groups"] == 11

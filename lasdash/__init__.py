"""lasdash: the London Ambulance Service stakeholder map as validated snapshots and dashboard views.

Flow: workbook -> reader (child process) -> normalise -> validate -> snapshots (Parquet) -> queries (DuckDB).
The core package never imports streamlit; the UI lives in lasdash/ui, app.py and app_pages/.
"""

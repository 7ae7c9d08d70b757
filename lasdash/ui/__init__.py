"""The Streamlit layer: the only part of lasdash that imports streamlit."""

"""The pages, in menu order. One list, used by app.py's navigation and the overview's links."""
import streamlit as st

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/sub_groups.py", title="Sub-groups", icon=":material/category:"),
    st.Page("app_pages/hcp_governance.py", title="HCP governance", icon=":material/account_tree:"),
    st.Page("app_pages/jhosc.py", title="JHOSC chairs", icon=":material/gavel:"),
    st.Page("app_pages/engagement.py", title="Engagement coverage", icon=":material/handshake:"),
    st.Page("app_pages/recommendations.py", title="Recommendations", icon=":material/checklist:"),
    st.Page("app_pages/people.py", title="People", icon=":material/person_search:"),
    st.Page("app_pages/network.py", title="Influence network", icon=":material/hub:"),
    st.Page("app_pages/priorities.py", title="Priorities", icon=":material/grid_view:"),
    st.Page("app_pages/relationships.py", title="Stale relationships", icon=":material/schedule:"),
    st.Page("app_pages/gaps.py", title="Data gaps", icon=":material/report:"),
    st.Page("app_pages/data.py", title="Data", icon=":material/database:"),
]

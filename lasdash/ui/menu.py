"""The pages in menu order, as plain data: (script, title, icon). lasdash/ui/nav.py builds st.Page objects from it;
the benchmark lists the pages from it without a Streamlit script context."""
from pathlib import Path

MENU = [
    ("app_pages/overview.py", "Overview", ":material/dashboard:"),
    ("app_pages/sub_groups.py", "Sub-groups", ":material/category:"),
    ("app_pages/hcp_governance.py", "HCP governance", ":material/account_tree:"),
    ("app_pages/jhosc.py", "JHOSC chairs", ":material/gavel:"),
    ("app_pages/engagement.py", "Engagement coverage", ":material/handshake:"),
    ("app_pages/recommendations.py", "Recommendations", ":material/checklist:"),
    ("app_pages/people.py", "People", ":material/person_search:"),
    ("app_pages/brief.py", "Meeting brief", ":material/summarize:"),
    ("app_pages/network.py", "Influence network", ":material/hub:"),
    ("app_pages/priorities.py", "Priorities", ":material/grid_view:"),
    ("app_pages/relationships.py", "Stale relationships", ":material/schedule:"),
    ("app_pages/mine.py", "My relationships", ":material/assignment_ind:"),
    ("app_pages/gaps.py", "Data gaps", ":material/report:"),
    ("app_pages/data.py", "Data", ":material/database:"),
]
DEFAULT = MENU[0][0]


def url_path(script: str) -> str:
    """The page's URL path as st.Page infers it: the default page is '/', the others their file name."""
    return "" if script == DEFAULT else Path(script).stem

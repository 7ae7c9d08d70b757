"""Take docs/screenshots/*.png of every page in a real browser: python -m tests.browser.screenshots

Name shots to take only those: python -m tests.browser.screenshots mine relationships
"""
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from .server import CHROMIUM, CHROMIUM_ARGS, ROOT, Server, wait_for_app

SHOTS = [  # file name, path and query
    ("overview", ""), ("sub_groups", "sub_groups"), ("hcp_governance", "hcp_governance?hcp=NCL"),
    ("jhosc", "jhosc"), ("engagement", "engagement"), ("recommendations", "recommendations"),
    ("people", "people?q=Sarah%20Blow"), ("network", "network"), ("priorities", "priorities"),
    ("relationships", "relationships"), ("mine", "mine?owner=Chief%20Executive"), ("gaps", "gaps"), ("data", "data"),
    ("brief", "brief?forum=NW%20London%20JHOSC"),
]


def main(names: list[str] | None = None) -> None:
    shots = [(name, path) for name, path in SHOTS if not names or name in names]
    if unknown := set(names or ()) - {name for name, _ in SHOTS}:
        raise SystemExit(f"no such shot: {', '.join(sorted(unknown))} (known: {', '.join(n for n, _ in SHOTS)})")
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        srv = Server(Path(tmp) / "store").start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-GB")
                for name, path in shots:
                    page.goto(f"{srv.url}/{path}")
                    wait_for_app(page)
                    page.wait_for_timeout(1500)  # charts finish drawing after the script run ends
                    page.screenshot(path=str(out / f"{name}.png"), full_page=False)
                    print("wrote", out / f"{name}.png")
                browser.close()
        finally:
            srv.stop()


if __name__ == "__main__":
    main(sys.argv[1:])

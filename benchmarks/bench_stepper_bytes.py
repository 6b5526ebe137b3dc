"""Bytes the browser receives over Streamlit's websocket per rerun, the cell stepper apart from the rest (#14).

Run:  .venv/bin/python benchmarks/bench_stepper_bytes.py [--app app.py] [--pages conv_single,conv_multi,...]

Starts the app (``--app``: another checkout's ``app.py`` for a before/after), opens each page in
Debian's Chromium and decodes every ``ForwardMsg`` the page receives (Playwright reports a frame's
payload after any websocket compression, so these are the message sizes, not the wire bytes):

- **first view**: everything sent until the first run has finished;
- **unrelated control**: the sidebar's presentation toggle, which leaves every stepper setup as it was;
- **stride slider**: the page's stride slider, one step (a new setup: every cell's formulas change).

For each, the bytes of the cell-stepper elements (``bidi_component``) and of the whole rerun.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, streamlit_server, wait_for_app  # noqa: E402

PAGES = ("conv_single", "conv_multi", "pooling", "conv_backward")


def split(frames: list) -> tuple[int, int]:
    """(bytes of cell-stepper elements, bytes of everything) in ``frames``."""
    sizes: Counter = Counter()
    for payload in frames:
        raw = payload if isinstance(payload, bytes) else payload.encode("latin1")
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        stepper = (msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element"
                   and msg.delta.new_element.WhichOneof("type") == "bidi_component")
        sizes["stepper" if stepper else "rest"] += len(raw)
    return sizes["stepper"], sizes["stepper"] + sizes["rest"]


def measure(browser, url: str, page: str) -> list[tuple[str, tuple[int, int]]]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    got: list = []
    pg.on("websocket", lambda ws: ws.on("framereceived", lambda payload: got.append(payload)))
    pg.goto(f"{url}/{page}?lang=en")
    wait_for_app(pg)
    pg.locator(".cs").first.wait_for(timeout=30000)
    rows = [("first view", split(got))]

    def rerun(action) -> tuple[int, int]:
        start = len(got)
        action()
        pg.wait_for_timeout(500)
        wait_for_app(pg)
        return split(got[start:])

    rows.append(("unrelated control", rerun(
        lambda: pg.locator('[data-testid="stSidebar"] input[role="switch"]').first.click(force=True))))
    thumb = pg.locator(f".st-key-{page}-stride").get_by_role("slider").first
    rows.append(("stride slider", rerun(
        lambda: (thumb.focus(), thumb.press("ArrowLeft" if page == "conv_multi" else "ArrowRight")))))
    context.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default=str(ROOT / "app.py"))
    parser.add_argument("--pages", default=",".join(PAGES))
    args = parser.parse_args()
    with streamlit_server(Path(args.app).resolve(), "bench_stepper_bytes.log") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        print(f"{'page':<15}{'rerun':<19}{'stepper KB':>11}{'all KB':>9}")
        for page in args.pages.split(","):
            for what, (stepper, total) in measure(browser, url, page):
                print(f"{page:<15}{what:<19}{stepper / 1000:>11.1f}{total / 1000:>9.1f}", flush=True)
        browser.close()


if __name__ == "__main__":
    main()

"""Browser latency of every control kind and first-view time of every page, against a bare page.

Run:  .venv/bin/python benchmarks/bench_browser.py [--repeats 3] [--per-kind 0] [--pages ...] [--app ...] [--before ...]

Starts ``benchmarks/bare_app.py`` (one slider, one heatmap) and the app, opens each in Debian's
Chromium and measures, inside the page:

- **controls**: every visible, enabled control of each page (``ui/frame.py`` PAGES) — sliders (arrow key),
  number inputs (+ / −, or the keyboard where Streamlit hides them), selects, preset menus (``menu``: the
  browser's own select of ``ui/components/action_menu.py``, a pick of its second entry), settings' menus
  (``choice``: the same select keeping its choice, ``ui/components/choice_menu.py``, the next entry), radios, text areas (one digit
  changed, Ctrl+Enter), text inputs, toggles, buttons, tab bars and expanders (``--expanders`` of them) —
  the time from the action that reaches the app to the *updated page*: the last change of the page outside
  the control itself (figures, the cell stepper's shadow DOM, formulas, text) before it stays quiet for
  ``QUIET_MS`` with no script running and no message from the server. ``first`` is the first such change.
  A control that sends nothing and changes nothing is instant (0 ms). Each control is put back before the
  next; up to ``--per-kind`` controls of each kind (``0``: all); the median of ``--repeats`` actions each.
- **cell stepping**: for pages with a cell stepper, hover → formula shown, in the browser.
- **first view**: a fresh browser context opens the page; time from navigation start until the
  script has finished and every figure and component of the first view is drawn.

Budget (DESIGN.md): every control within 1.5× the bare page's slider, every first view within
1.3× the bare page's, in one run. On this shared machine the load drifts over a run of many minutes (the bare
slider took 137 ms at the start of one run and 200 ms twenty minutes later), so a ratio to one bare measurement
at the start judged the later pages by another machine's speed. Two ways to keep the bare page beside the page:

- default: the bare slider is measured again right before each page (its own row in the table) and that page's
  controls are divided by it;
- ``--paired`` (#14 round 9): a bare page stays open beside the app, and every action on a control is preceded
  by one move of the bare slider; each control is divided by the bare moves made alternately with it, seconds
  apart. Twice the actions, so half the pages per minute, but a load that changes within a page's minute (a
  test run starting on the other core) weighs on both sides of the ratio alike.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, _free_port  # noqa: E402
from ui.frame import available_pages  # noqa: E402

QUIET_MS = 500
SETTLE_TIMEOUT_MS = 15000
# every page of the app (ui/frame.py PAGES), in navigation order
PAGES = ",".join(entry.key for entry in available_pages())
KINDS = {  # kind: the element of one control inside the main area (changes inside it are the control's own)
    "slider": '[data-testid="stMain"] [data-testid="stSlider"]',
    "number": '[data-testid="stMain"] [data-testid="stNumberInput"]',
    "select": '[data-testid="stMain"] [data-testid="stSelectbox"]',
    "menu": '[data-testid="stMain"] [data-action-menu="action"]',  # a preset menu (ui/components/action_menu.py)
    "choice": '[data-testid="stMain"] [data-action-menu="choice"]',  # a setting's own <select> (choice_menu.py)
    "radio": '[data-testid="stMain"] [data-testid="stRadio"]',
    "text": '[data-testid="stMain"] [data-testid="stTextArea"]',
    "input": '[data-testid="stMain"] [data-testid="stTextInput"]',
    "toggle": '[data-testid="stMain"] [data-testid="stCheckbox"]',
    "button": '[data-testid="stMain"] [data-testid="stButton"]',
    "tabs": '[data-testid="stMain"] [role="tablist"]',            # the tab headers; the panels are the page
    "expander": '[data-testid="stMain"] [data-testid="stExpander"] summary',  # the header; the body is the page
}

# Record every change of the main area outside the control `sel`[`idx`] (and inside the shadow
# roots of components) with its time; return the start time. The websocket traffic is recorded by
# the init script (WS below): window.__wsSent / __wsRecv are the times of the last message each way.
WATCH = """([sel, idx]) => {
  const ctl = document.querySelectorAll(sel)[idx];
  const main = document.querySelector('[data-testid="stMain"]');
  window.__first = null; window.__last = null;
  const note = (muts) => {
    for (const m of muts) {
      if (ctl && ctl.contains(m.target)) continue;
      const now = performance.now();
      if (window.__first === null) window.__first = now;
      window.__last = now;
      return;
    }
  };
  const obs = new MutationObserver(note);
  // nodes added/removed and text changed: attribute changes include Streamlit's and Plotly's own
  // transitions, which go on long after the page has its new content
  const opts = {subtree: true, childList: true, characterData: true};
  obs.observe(main, opts);
  main.querySelectorAll('*').forEach((el) => { if (el.shadowRoot) obs.observe(el.shadowRoot, opts); });
  window.__obs = obs;
  window.__t0 = performance.now();
  return window.__t0;
}"""

# quiet: no change of the page and no message from the server for QUIET_MS, no script running
SETTLED = f"""() => {{
  const now = performance.now();
  const last = Math.max(window.__t0, window.__last || 0, window.__wsRecv || 0);
  return now - last > {QUIET_MS} && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]');
}}"""

# what happened since WATCH: [first change, last change, last message sent, last message received]
OUTCOME = "() => [window.__first, window.__last, window.__wsSent, window.__wsRecv, window.__wsCount]"
# the first view is drawn: the script finished, a heading is there, every chart has its SVG and
# every component has content
DRAWN = """() => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (!document.querySelector('[data-testid="stMain"] h1, [data-testid="stMain"] [data-testid="stHeading"]')
      && !document.querySelector('[data-testid="stMain"] [data-testid="stPlotlyChart"]')) return false;
  // a lazily loaded element (Plotly, KaTeX, ...) shows a skeleton until its code has arrived
  if (document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')) return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"], .stPlotlyChart')) {
    if (!chart.querySelector('.main-svg')) return false;
  }
  for (const host of document.querySelectorAll('[data-testid="stMain"] [data-testid="stBidiComponentIsolated"]')) {
    if (!host.shadowRoot || !host.shadowRoot.querySelector('.cs, div')) return false;
  }
  return true;
}"""


# installed before the page's own scripts: the time of the last change of the document, shadow
# roots (components) included
LAST_CHANGE = """(() => {
  window.__lastChange = 0;
  const note = () => { window.__lastChange = performance.now(); };
  const opts = {subtree: true, childList: true, characterData: true};
  const observe = (node) => new MutationObserver(note).observe(node, opts);
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { const root = attach.call(this, init); observe(root); return root; };
  document.addEventListener('DOMContentLoaded', () => observe(document.body));
  // the time of the last websocket message sent to / received from the server (the script's traffic)
  window.__wsSent = 0; window.__wsRecv = 0; window.__wsCount = 0;
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { window.__wsRecv = performance.now(); window.__wsCount += 1; });
    }
    send(data) { window.__wsSent = performance.now(); return super.send(data); }
  };
})();"""


def start(script: Path, *, command: list[str] | None = None, env: dict | None = None,
          tries: int = 200) -> tuple[subprocess.Popen, str]:
    """``streamlit run script`` on a free port (cwd: the script's project root); returns the process and its URL.

    ``command`` replaces ``python -m streamlit run script`` (``bench_cpu.py`` runs its timing wrapper), ``env``
    the environment; ``tries`` health checks 0.2 s apart before giving up."""
    port = _free_port()
    command = command or [sys.executable, "-m", "streamlit", "run", str(script)]
    proc = subprocess.Popen([*command, "--server.port", str(port), "--server.headless", "true",
                             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                            cwd=script.parent if script.name == "app.py" else ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(tries):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server for {script} did not start")


def open_page(browser, url: str):
    """A page at ``url`` with its first view drawn and quiet."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.add_init_script(LAST_CHANGE)
    page.goto(url)
    page.wait_for_function(f"() => ({DRAWN})() && window.__lastChange > 0 "
                           f"&& performance.now() - window.__lastChange > {QUIET_MS}", timeout=60000, polling=100)
    return page


def bump_digit(text: str) -> str:
    """The text with its first digit changed (same shape of matrix, other numbers)."""
    return re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), text, count=1)


def _selected(items, attribute: str, value: str = "true") -> int:
    """Index of the first of ``items`` whose ``attribute`` is ``value`` (0 if none)."""
    for i in range(items.count()):
        if items.nth(i).get_attribute(attribute) == value:
            return i
    return 0


def act(page, kind: str, index: int, step: int, watch) -> None:
    """One action on control ``index`` of ``kind``: even ``step`` changes it, odd ``step`` puts it back.

    Whatever only prepares the action (opening a select's list, typing into a text area) happens
    first; ``watch()`` starts the clock right before the action that reaches the app.
    """
    box = page.locator(KINDS[kind]).nth(index)
    forward = step % 2 == 0
    if kind == "slider":
        thumb = box.locator('input[type="range"]').first
        thumb.focus()
        before = thumb.input_value()   # the input's own value changes synchronously with the key
        lo, hi = thumb.get_attribute("min"), thumb.get_attribute("max")
        if forward:  # the way with room; the odd step comes back
            page.evaluate("(d) => { window.__dir = d; }", "ArrowLeft" if float(before) >= float(hi) else "ArrowRight")
        key = page.evaluate("window.__dir")
        if not forward:
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
        if lo == hi:
            raise ValueError("a slider with one value")
        watch()
        thumb.press(key)
    elif kind == "number":
        up, down = box.locator('[data-testid="stNumberInputStepUp"]'), box.locator('[data-testid="stNumberInputStepDown"]')
        if up.count() and up.is_visible():  # the + / − buttons (Streamlit hides them in a narrow column)
            button = up if forward else down
            if button.is_disabled():        # at the end of its range: the other way
                button = down if forward else up
            watch()
            button.click()
        else:                                # keyboard: a step in the field, Enter commits it
            field = box.locator("input")
            field.focus()
            watch()
            field.press("ArrowUp" if forward else "ArrowDown")
            field.press("Enter")
    elif kind == "select":
        box.locator('input[role="combobox"], [role="combobox"]').first.click()
        options = page.locator('[role="option"]')
        try:
            options.first.wait_for(timeout=2000)
        except Exception:  # the click only focused it: open the list from the keyboard
            page.keyboard.press("ArrowDown")
            options.first.wait_for(timeout=5000)
        count = options.count()
        if forward:
            page.evaluate("(i) => { window.__orig = i; }", _selected(options, "aria-selected"))
        original = page.evaluate("window.__orig")
        watch()
        options.nth((original + 1) % count if forward else original).click()
    elif kind == "menu":     # the browser's own <select>: an action, back at its placeholder after each pick
        menu = box.locator("select")
        if menu.locator("option").count() < 3:
            raise ValueError("a menu with one entry")
        watch()
        menu.select_option(index=2 if forward else 1)   # forward: the second entry; back: the first (the example)
    elif kind == "choice":   # the browser's own <select> that keeps its choice: the next entry, then back
        menu = box.locator("select")
        if forward:
            page.evaluate("(i) => { window.__orig = i; }", menu.evaluate("(m) => m.selectedIndex"))
        original = page.evaluate("window.__orig")
        count = menu.locator("option").count()
        watch()
        menu.select_option(index=(original + 1) % count if forward else original)
    elif kind == "radio":
        labels = box.locator('[data-testid="stRadioOption"]')
        labels.first.wait_for(timeout=5000)
        if forward:
            page.evaluate("(i) => { window.__orig = i; }", _selected(labels, "data-selected"))
        original = page.evaluate("window.__orig")
        watch()
        labels.nth((original + 1) % labels.count() if forward else original).click()
    elif kind == "tabs":
        tabs = box.locator('[role="tab"]')
        if tabs.count() == 0:
            raise LookupError(f"{HIDDEN}: no tab list {index} on the page now")
        if forward:
            page.evaluate("(i) => { window.__orig = i; }", _selected(tabs, "aria-selected"))
        original = page.evaluate("window.__orig")
        watch()
        tabs.nth((original + 1) % tabs.count() if forward else original).click()
    elif kind in ("text", "input"):
        field = box.locator("textarea" if kind == "text" else "input")
        if forward:
            page.evaluate("(t) => { window.__orig = t; }", field.input_value())
        original = page.evaluate("window.__orig")
        field.fill(bump_digit(original) if forward else original)
        watch()
        field.press("Control+Enter" if kind == "text" else "Enter")
    elif kind == "toggle":
        watch()
        box.locator("label").first.click()
    elif kind in ("button", "expander"):
        watch()
        (box.locator("button").first if kind == "button" else box).click()


def _wait_settled(page) -> dict | None:
    """Wait until the page is quiet after an action; what happened, or None if it never got quiet."""
    try:
        page.wait_for_function(SETTLED, timeout=SETTLE_TIMEOUT_MS, polling=50)
    except Exception:
        return None
    first, last, sent, recv, _ = page.evaluate(OUTCOME)
    return dict(first=first, last=last, sent=sent, recv=recv)


#: the note of a control found when the page opened that is not visible when its turn comes, also on the page
#: opened again (a row without times, not an exception)
HIDDEN = "(hidden)"


class BareSlider:
    """The bare page's slider, kept open beside the app: :meth:`move` measures one move (``--paired``)."""

    def __init__(self, browser, url: str) -> None:
        self.page = open_page(browser, url)
        self.page.set_default_timeout(5000)

    def move(self) -> float | None:
        """One slider move on the bare page; its done time in ms (None if it failed)."""
        self.page.bring_to_front()
        # restore=False: one step "forward" each time; at the slider's end that is a step back, so it never stalls
        result = measure_control(self.page, "slider", 0, 1, restore=False)
        return result["done"][0] if result["done"] else None

    def close(self) -> None:
        self.page.close()


def measure_control(page, kind: str, index: int, repeats: int, restore: bool = True,
                    bare: BareSlider | None = None) -> dict:
    """(first, done) times in ms of ``repeats`` actions on one control of the open page, and notes.

    A control that sends nothing to the server and changes nothing outside itself is instant (0 ms); one
    that reruns the script without changing what is shown counts until the server's last message. With
    ``bare``, each measured action is preceded by one bare slider move, whose time goes to ``bare``'s list.
    """
    first, done, notes, bare_done = [], [], [], []
    t0 = [0.0]
    watch = lambda: t0.__setitem__(0, page.evaluate(WATCH, [KINDS[kind], index]))  # noqa: E731
    steps = repeats + (repeats % 2 if restore and kind not in ("button",) else 0)  # end where it started
    for step in range(steps):
        if bare is not None and step < repeats:
            moved = bare.move()
            if moved is not None:
                bare_done.append(moved)
            page.bring_to_front()
        try:
            act(page, kind, index, step, watch)
        except Exception as err:  # the control is gone, disabled or has nothing else to choose
            notes.append(f"{type(err).__name__}: {str(err).splitlines()[0][:80]}")
            break
        outcome = _wait_settled(page)
        page.evaluate("window.__obs && window.__obs.disconnect()")
        if step >= repeats:
            continue
        if outcome is None:
            notes.append(f"never quiet within {SETTLE_TIMEOUT_MS / 1000:.0f} s "
                         f"({page.evaluate('window.__wsCount')} messages from the server so far)")
            continue
        ran = outcome["sent"] > t0[0]
        if outcome["last"] is None:  # nothing outside the control changed
            end = outcome["recv"] - t0[0] if ran else 0.0
            first.append(end)
            done.append(end)
            if not ran:
                notes.append("instant")
        else:
            first.append(outcome["first"] - t0[0])
            done.append(outcome["last"] - t0[0])
    result = dict(first=first, done=done, notes=notes)
    if bare is not None:
        result["bare"] = bare_done
    return result


def controls_of(page, kinds=None) -> dict[str, list[int]]:
    """Indices of the visible, enabled controls of each kind (a control in a closed tab cannot be used)."""
    found = {}
    for kind, sel in KINDS.items():
        if kinds is not None and kind not in kinds:
            continue
        found[kind] = page.evaluate("""(sel) => [...document.querySelectorAll(sel)].map((el, i) => {
            const box = el.getBoundingClientRect();
            const off = el.matches('[data-testid="stButton"]') ? el.querySelector('button:disabled')
              : el.querySelector('input[type="range"]:disabled, textarea:disabled, input[type="text"]:disabled, '
                                 + 'input[type="number"]:disabled, input[type="checkbox"]:disabled');
            return box.width > 0 && box.height > 0 && el.checkVisibility({visibilityProperty: true}) && !off ? i : -1; }).filter((i) => i >= 0)""", sel)
    return found


def measure_page(browser, url: str, repeats: int, per_kind: int, kinds: list[str],
                 max_expanders: int = 6, bare: BareSlider | None = None) -> dict[str, dict]:
    """Every control (up to ``per_kind`` of each kind) of the page at ``url``, one after the other in
    one browser page; each control is put back to where it was before the next (``bare``: paired, see
    :func:`measure_control`)."""
    def fresh():
        opened = open_page(browser, url)
        opened.set_default_timeout(5000)  # a control that cannot be used fails fast (and is reported)
        return opened

    page = fresh()
    results = {}
    try:
        found = controls_of(page)
        for kind in kinds:
            indices = found[kind] if per_kind == 0 else found[kind][:per_kind]
            if kind == "expander":  # many alike (94 on worked examples): a sample of them
                indices = indices[:max_expanders]
            for index in indices:
                if controls_of(page, [kind])[kind] != found[kind]:
                    # an earlier control left the page elsewhere (e.g. a tab switch ended on another tab, and a
                    # control nested in the first one is gone): measure it on the page as first opened
                    page.close()
                    page = fresh()
                if index not in controls_of(page, [kind])[kind]:
                    results[f"{kind}[{index}]"] = dict(first=[], done=[], notes=[HIDDEN])
                    continue
                results[f"{kind}[{index}]"] = measure_control(page, kind, index, repeats, bare=bare)
    finally:
        page.close()
    return results


def first_view(browser, url: str, repeats: int) -> list[float]:
    """Navigation start to the first view drawn (ms): the last change of the page before it stays
    quiet for ``QUIET_MS`` with every chart and component drawn; a fresh context each time."""
    times = []
    for _ in range(repeats):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.add_init_script(LAST_CHANGE)
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(f"() => ({DRAWN})() && window.__lastChange > 0 "
                               f"&& performance.now() - window.__lastChange > {QUIET_MS}", timeout=60000, polling=50)
        times.append(page.evaluate("window.__lastChange"))
        context.close()
    return times


def cell_hover(browser, url: str, repeats: int) -> list[float]:
    """Hover an output cell of the page's cell stepper -> its formula shown (ms), in the browser."""
    page = open_page(browser, url)
    stepper = page.locator(".cs").first
    if stepper.count() == 0:
        page.close()
        return []
    cells = page.locator(".cs [data-cell]")
    times = []
    for k in range(min(repeats, cells.count())):
        target = cells.nth(k % cells.count())
        index = target.get_attribute("data-cell")
        t0 = page.evaluate("performance.now()")
        target.hover()
        # the first component holding a cell stepper (a math box may come before it: dense, #14 round 8)
        page.wait_for_function(f"() => [...document.querySelectorAll('[data-testid=\"stMain\"] [data-testid=\"stBidiComponentIsolated\"]')]"
                               f".map(c => c.shadowRoot && c.shadowRoot.querySelector('.cs')).find(Boolean)"
                               f".dataset.cell === '{index}'", polling="raf")
        times.append(page.evaluate("performance.now()") - t0)
    page.close()
    return times


def _ratio_rows(controls: dict[str, dict], key: str) -> tuple[float, float] | None:
    result = controls.get(key)
    if not result or not result["done"]:
        return None
    return statistics.median(result["first"]), statistics.median(result["done"])


def _paired_bare(controls: dict[str, dict], key: str) -> float | None:
    """The median of the bare moves made alternately with control ``key`` (``--paired``), else None."""
    result = controls.get(key) or {}
    return statistics.median(result["bare"]) if result.get("bare") else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--per-kind", type=int, default=0, help="controls of each kind per page (0 = all)")
    parser.add_argument("--pages", default=PAGES, help="comma-separated page keys (url paths) of the app")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated control kinds")
    parser.add_argument("--expanders", type=int, default=6, help="expanders measured per page (they are many and alike)")
    parser.add_argument("--no-first-view", action="store_true")
    parser.add_argument("--no-controls", action="store_true")
    parser.add_argument("--json", help="also write the raw times to this file")
    parser.add_argument("--paired", action="store_true",
                        help="a bare slider move before every action; each control divided by its own bare moves")
    parser.add_argument("--app", default=str(ROOT / "app.py"),
                        help="the app's entry script (e.g. an exported older commit, for a before/after table)")
    parser.add_argument("--before", help="an older copy's entry script (git archive <commit> | tar -x -C /tmp/before): "
                        "measured page by page right before --app, in the same run, so both face the same load")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    apps = {"after": Path(args.app)} if not args.before else {"before": Path(args.before), "after": Path(args.app)}
    controls: dict[str, dict[str, dict]] = {name: {} for name in apps}
    views: dict[str, dict[str, list[float]]] = {name: {} for name in apps}
    hovers: dict[str, list[float]] = {}
    bares: dict[str, dict] = {}   # page key -> the bare slider measured right before that page
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        bare_proc, bare_url = start(ROOT / "benchmarks" / "bare_app.py")
        servers = {name: start(script) for name, script in apps.items()}
        try:
            bare_view = [] if args.no_first_view else first_view(browser, bare_url, args.repeats)
            if bare_view:
                for name in apps:
                    views[name]["bare page"] = bare_view
            for key in filter(None, args.pages.split(",")):
                print(f"{time.strftime('%H:%M:%S')} {key}", file=sys.stderr, flush=True)
                # the machine is shared: its load drifts over a run of many minutes, so each page is judged
                # against the bare slider measured in the same minutes, right before it
                bare_page = open_page(browser, bare_url)
                bares[key] = measure_control(bare_page, "slider", 0, args.repeats)
                bare_page.close()
                paired = BareSlider(browser, bare_url) if args.paired and not args.no_controls else None
                try:
                    for name, (_, url) in servers.items():   # before, then after: the same minutes of load
                        page_url = f"{url}/{key}?lang=en"
                        if not args.no_first_view:
                            views[name][key] = first_view(browser, page_url, args.repeats)
                        if not args.no_controls:
                            for control, result in measure_page(browser, page_url, args.repeats, args.per_kind,
                                                                kinds, args.expanders, bare=paired).items():
                                controls[name][f"{key} {control}"] = result
                finally:
                    if paired is not None:
                        paired.close()
                hover = cell_hover(browser, f"{servers['after'][1]}/{key}?lang=en", args.repeats)
                if hover:
                    hovers[key] = hover
        finally:
            bare_proc.terminate()
            for proc, _ in servers.values():
                proc.terminate()
        browser.close()

    if args.json:
        Path(args.json).write_text(json.dumps(dict(controls=controls, views=views, hovers=hovers, bares=bares),
                                              indent=1))
    names = list(apps)
    head = "".join(f"{n + ' done':>13}{'ratio':>7}" for n in names)
    if args.paired:
        print("paired: each ratio divides by the bare slider moves made alternately with that control "
              "(the 'bare' columns); the bare row is the page's own bare measurement before it")
        head = "".join(f"{n + ' done':>13}{'bare':>7}{'ratio':>7}" for n in names)
    print(f"{'control':<30}{'first ms':>9}{'ratio':>7}{head}   budget: done ratio <= 1.5 (judged on after)")
    for key, bare_result in bares.items():
        bare_row = _ratio_rows({"bare": bare_result}, "bare")
        if bare_row is None:   # the bare page could not be measured: no ratio for this page
            print(f"{'bare page slider (' + key + ')':<30}  no measurement: {bare_result['notes']}")
            continue
        bare_first, bare_done = bare_row
        print(f"{'bare page slider (' + key + ')':<30}{bare_first:>9.1f}{1:>7.2f}"
              + (f"{bare_done:>13.1f}{'':>7}{1:>7.2f}" if args.paired else f"{bare_done:>13.1f}{1:>7.2f}") * len(names))
        for control in [c for c in controls["after"] if c.split(" ", 1)[0] == key]:
            row = _ratio_rows(controls["after"], control)
            note = "; ".join(sorted(set(controls["after"][control]["notes"])))
            if row is None:
                print(f"{control:<30}{'-':>9}{'':>7}{'-':>13}{'':>7}  {note or 'no measurement'}")
                continue
            cells = ""
            for n in names:
                other = _ratio_rows(controls[n], control)
                if args.paired:
                    own = _paired_bare(controls[n], control) or bare_done
                    cells += (f"{other[1]:>13.1f}{own:>7.0f}{other[1] / own:>7.2f}" if other
                              else f"{'-':>13}{'':>7}{'':>7}")
                else:
                    cells += f"{other[1]:>13.1f}{other[1] / bare_done:>7.2f}" if other else f"{'-':>13}{'':>7}"
            judge = (_paired_bare(controls["after"], control) or bare_done) if args.paired else bare_done
            flag = "" if row[1] / judge <= 1.5 else "  over"
            extra = f"  ({note})" if note else ""
            print(f"{control:<30}{row[0]:>9.1f}{row[0] / bare_first:>7.2f}{cells}{flag}{extra}")
    if hovers:
        print(f"\n{'cell stepper hover':<30}{'median ms':>10}   (no server round trip)")
        for name, times in hovers.items():
            print(f"{name:<30}{statistics.median(times):>10.1f}")
    if views["after"]:
        bare = statistics.median(views["after"]["bare page"])
        head = "".join(f"{n + ' ms':>12}{'ratio':>7}" for n in names)
        print(f"\n{'first view':<30}{head}   budget: ratio <= 1.3 (judged on after)")
        for key in views["after"]:
            cells = ""
            for n in names:
                times = views[n].get(key)
                cells += f"{statistics.median(times):>12.1f}{statistics.median(times) / bare:>7.2f}" if times else f"{'-':>12}{'':>7}"
            m = statistics.median(views["after"][key])
            print(f"{key:<30}{cells}{'' if m / bare <= 1.3 else '  over'}")


if __name__ == "__main__":
    main()

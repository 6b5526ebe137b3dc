"""Outline of the React tree of a page: blocks and elements with composite-fiber counts.

Diagnostic (#14 round 10): a React devtools hook keeps the fiber root; the outline counts composite components
(what every whole-page pass re-renders). Usage: react_outline.py <app.py> page[,...] [depth]
"""
import sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks")); sys.path.insert(0, str(ROOT))
import bench_browser as bb
from playwright.sync_api import sync_playwright
HOOK = "window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {supportsFiber: true, renderers: new Map(), isDisabled: false, inject(r) { return 1; }, checkDCE() {}, onScheduleFiberRoot() {}, onCommitFiberUnmount() {}, onPostCommitFiberRoot() {}, onCommitFiberRoot(id, root) { window.__root = root; }};"
OUT = r"""(maxDepth) => {
  const lines = [];
  const count = (f) => { let n = 0; let c = f.child; while (c) { n += (typeof c.type === 'string' ? 0 : 1) + count(c); c = c.sibling; } return n; };
  const label = (f) => { const p = f.memoizedProps || {}; if (p.node && p.node.deltaBlock) { const b = p.node.deltaBlock; return 'BLOCK ' + (b.type || '?') + (b.expandable ? ' "' + (b.expandable.label||'').slice(0,30) + '"' : '') + (b.tabContainer ? ' tabs' : ''); }
    if (p.node && p.node.element) { const e = p.node.element; const t = e.type; let s = ''; try { s = JSON.stringify(e[t]).slice(0, 60); } catch (x) {} return 'EL ' + t + ' ' + s; } return null; };
  const seen = new Set();
  const walk = (f, depth) => { while (f) { const l = label(f); if (l && !seen.has(f.memoizedProps.node)) { seen.add(f.memoizedProps.node); const n = count(f); if (n >= 15) lines.push('  '.repeat(depth) + n + ' ' + l); if (depth < maxDepth) walk(f.child, depth + 1); } else walk(f.child, depth); f = f.sibling; } };
  walk(window.__root.current, 0);
  const tid = (f, name) => { while (f) { if (f.memoizedProps && f.memoizedProps['data-testid'] === name) return f; const r = tid(f.child, name); if (r) return r; f = f.sibling; } return null; };
  for (const n of ['stSidebarNav', 'stSidebarUserContent', 'stMain', 'stSidebar']) { const f = tid(window.__root.current, n); lines.push(n + ' ' + (f ? count(f) : '-')); }
  return lines;
}"""
app = Path(sys.argv[1])
with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path=bb.CHROMIUM, headless=True, args=bb.CHROMIUM_FLAGS)
    proc, url = bb.start(app)
    try:
        for key in sys.argv[2].split(","):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(HOOK); page.add_init_script(bb.LAST_CHANGE)
            page.goto(url if key == "bare" else f"{url}/{key}?lang=en")
            page.wait_for_function(f"() => ({bb.DRAWN})() && window.__lastChange > 0 && performance.now() - window.__lastChange > {bb.QUIET_MS}", timeout=60000, polling=100)
            print("=====", key)
            print("\n".join(page.evaluate(OUT, int(sys.argv[3]) if len(sys.argv) > 3 else 6)))
            page.close()
    finally:
        proc.terminate()

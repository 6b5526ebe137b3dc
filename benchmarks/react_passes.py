"""React commits per bench_browser action (devtools hook, production build): fibers rendered per commit, the websocket messages between them (log), scheduler tasks with their ms, component-script calls (if a variant counts them in window.__calls), top components. Usage: react_passes.py <app.py> page:kind:idx[,..] [repeats] [top]

Diagnostic (#14 round 10), not a measurement of record: it installs a React devtools hook before the page loads,
which reports every commit of the production build. 'Bg' and 'o_' below are the minified names of Streamlit 1.67's
element and block renderers: check them again after a Streamlit upgrade.
"""
import collections, json, statistics, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks")); sys.path.insert(0, str(ROOT))
import bench_browser as bb
from playwright.sync_api import sync_playwright

HOOK = r"""(() => {
  window.__commits = []; window.__src = {}; window.__elname = 'Bg'; window.__blname = 'o_';
  const nameOf = (f) => {
    const t = f.type;
    if (t == null) return 'tag' + f.tag;
    if (typeof t === 'string') return null; // host
    if (t.__emotion_styles) { const s = JSON.stringify(t.__emotion_styles); const m = s.match(/label:([A-Za-z0-9_]+)/); return 'emo:' + (m ? m[1] : (t.__emotion_base && (typeof t.__emotion_base==='string'?t.__emotion_base:'?'))); }
    return t.displayName || t.name || (t.render && (t.render.displayName || t.render.name)) || (t.type && (t.type.displayName || t.type.name)) || ('tag' + f.tag);
  };
  const TIDS = new Set(['stSidebar', 'stMain', 'stSidebarNav', 'stHeader', 'stSidebarUserContent', 'stBottom', 'stToolbar']);
  const walk = (f, counts, stats) => {
    let total = 0;
    while (f) {
      const alt = f.alternate;
      const mounted = !alt;
      const rendered = mounted || (f.flags & 1);
      let own = 0;
      if (rendered) { const n = nameOf(f); if (n) { counts[n] = (counts[n]||0) + 1; stats.r++; own = 1;
          if (!window.__src[n] && typeof f.type === 'function') window.__src[n] = f.type.toString().slice(0, 160);
        } else stats.h++; if (mounted) stats.m++; }
      let sub = 0;
      if (f.child && (mounted || f.child !== alt.child)) sub = walk(f.child, counts, stats);
      const p = f.memoizedProps;
      if (own && p && p.node && p.node.element && nameOf(f) === 'Bg') { const k = 'SUB:' + (p.node.element.type || '?'); counts[k] = (counts[k]||0) + sub + 1; const k2 = 'N:' + (p.node.element.type || '?'); counts[k2] = (counts[k2]||0) + 1; }
      if (typeof f.type === 'string' && p && TIDS.has(p['data-testid'])) { const k = 'T:' + p['data-testid']; counts[k] = (counts[k]||0) + sub; }
      total += own + sub;
      f = f.sibling;
    }
    return total;
  };
  window.__tasks = []; window.__log = []; window.__raw = [];
  const WS0 = window.WebSocket;
  window.WebSocket = class extends WS0 { constructor(...a) { super(...a); this.addEventListener('message', (ev) => { if (window.__counting) { const n = (ev.data.byteLength || ev.data.size || ev.data.length); window.__log.push('ws' + n); if (n < 2000 && ev.data.byteLength) window.__raw.push(btoa(String.fromCharCode(...new Uint8Array(ev.data)))); } }); } };
  const MC = window.MessageChannel;
  window.MessageChannel = function () {
    const ch = new MC();
    let h = null;
    Object.defineProperty(ch.port1, 'onmessage', { set(fn) { h = fn; MC.prototype; ch.port1.addEventListener('message', (ev) => {
        const n0 = window.__commits.length; const t0 = performance.now(); h && h.call(ch.port1, ev); const t1 = performance.now();
        if (window.__counting && window.__commits.length > n0) window.__tasks.push({d: t1 - t0, c: window.__commits.length - n0, r: window.__commits.slice(n0).map(c => c.stats.r)});
      }); ch.port1.start(); }, get() { return h; } });
    return ch;
  };
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true, renderers: new Map(), isDisabled: false,
    inject(r) { return 1; }, checkDCE() {}, onScheduleFiberRoot() {},
    onCommitFiberUnmount() {}, onPostCommitFiberRoot() {},
    onCommitFiberRoot(id, root) {
      if (!window.__counting) return;
      const counts = {}; const stats = {r: 0, h: 0, m: 0};
      const t0 = performance.now();
      const cur = root.current;
      if (cur.child && cur.alternate && cur.child === cur.alternate.child) { }
      walk(cur.child, counts, stats);
      window.__commits.push({t: t0, stats, counts, w: performance.now() - t0}); window.__log.push('C' + stats.r);
    },
  };
})();"""

app = Path(sys.argv[1]); targets = sys.argv[2].split(","); repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 4
top = int(sys.argv[4]) if len(sys.argv) > 4 else 15
with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path=bb.CHROMIUM, headless=True, args=bb.CHROMIUM_FLAGS)
    proc, url = bb.start(app)
    try:
        for target in targets:
            page_key, kind, index = target.split(":")
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(HOOK)
            page.add_init_script(bb.LAST_CHANGE)
            page.goto(url if page_key == "bare" else f"{url}/{page_key}?lang=en")
            page.wait_for_function(f"() => ({bb.DRAWN})() && window.__lastChange > 0 && performance.now() - window.__lastChange > {bb.QUIET_MS}", timeout=60000, polling=100)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Profiler.enable"); cdp.send("Profiler.setSamplingInterval", {"interval": 200})
            ncommits, nrend, js, allcounts = [], [], [], collections.Counter()
            for step in range(repeats):
                page.evaluate("() => { window.__commits = []; window.__tasks = []; window.__log = []; window.__raw = []; window.__calls = {}; window.__counting = true; }")
                cdp.send("Profiler.start")
                bb.act(page, kind, int(index), step, lambda: page.evaluate(bb.WATCH, [bb.KINDS[kind], int(index)]))
                bb._wait_settled(page)
                prof = cdp.send("Profiler.stop")["profile"]
                commits = page.evaluate("() => { window.__counting = false; return window.__commits; }")
                tasks = page.evaluate("() => window.__tasks")
                import base64
                from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
                for b in page.evaluate("() => window.__raw")[:8]:
                    m = ForwardMsg(); m.ParseFromString(base64.b64decode(b)); print("     MSG", m.WhichOneof("type"), str(m)[:300].replace("\n", " | "))
                print("    calls:", page.evaluate("() => JSON.stringify(window.__calls)"))
                print("    log:", " ".join(page.evaluate("() => window.__log")))
                print("    tasks:", [(round(t['d'],1), t['r']) for t in tasks if max(t['r']) > 50])
                nodes = {n["id"]: n for n in prof["nodes"]}
                tot = sum(d for s, d in zip(prof["samples"], prof["timeDeltas"]) if nodes[s]["callFrame"]["functionName"] not in ("(idle)", "(program)", "(garbage collector)"))
                js.append(tot / 1000)
                ncommits.append(len(commits)); nrend.append([c["stats"]["r"] for c in commits])
                for c in commits: allcounts.update(c["counts"])
                print(f"  {target} step{step}: commits={len(commits)} rendered/commit={[c['stats']['r'] for c in commits]} hosts={[c['stats']['h'] for c in commits]} mounted={[c['stats']['m'] for c in commits]} js={tot/1000:.0f}ms", flush=True)
            print(f"{target}: median commits {statistics.median(ncommits)}, js {statistics.median(js):.0f} ms")
            for k, v in allcounts.most_common(top):
                print(f"   {v/repeats:7.1f}  {k}")
            print(json.dumps(page.evaluate("() => window.__src"), indent=0)[:6000] if '--src' in sys.argv else '')
            page.close()
    finally:
        proc.terminate()

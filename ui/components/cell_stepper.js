// Cell stepper: grids + windows + per-cell formula, all in the browser (no server round trip).
// The payload is documented in cell_stepper.py. Every text from the payload is set with
// textContent; only the per-cell "html" (formulas built and escaped by Python) uses innerHTML.
const STATE = new Map();   // group (or component key) -> chosen cell, kept across reruns of the page
const SEEN_START = new Map();   // group -> the payload's "start" last seen (the server's own choice)

// ---------------------------------------------------------------- the chosen cell in the link
// The page's URL is the app's own window (components v2: no iframe). A pick rewrites the link's cell
// parameters with history.replaceState (no reload, nothing sent). Streamlit rewrites the query string
// itself when the script changes a parameter (st.query_params, from the server's session state, which
// never hears of a browser-side pick): a wrapper around history.replaceState/pushState puts the picked
// cell back into such a write, unless the server changed that parameter itself (then the server's
// value wins: a widget on the page moved the selection).
const LINK = window.__cnnStudioStepperLink || (window.__cnnStudioStepperLink = { owned: new Map(), server: new Map() });

function queryParts(search) {
  return search.replace(/^\?/, "").split("&").filter(Boolean);
}
function partName(part) {
  try { return decodeURIComponent(part.split("=")[0].replace(/\+/g, " ")); } catch (e) { return part; }
}
function partValue(part) {
  const i = part.indexOf("=");
  try { return i < 0 ? "" : decodeURIComponent(part.slice(i + 1).replace(/\+/g, " ")); } catch (e) { return null; }
}
function readParam(search, name) {
  const part = queryParts(search).find((p) => partName(p) === name);
  return part === undefined ? null : partValue(part);
}
// `search` with `params` set (other parameters kept byte for byte, in their order)
function withParams(search, params) {
  const parts = queryParts(search);
  for (const [name, value] of Object.entries(params)) {
    const seg = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
    const i = parts.findIndex((p) => partName(p) === name);
    if (i >= 0) parts[i] = seg; else parts.push(seg);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

if (!window.history.__cnnStudioStepper) {
  for (const method of ["replaceState", "pushState"]) {
    const original = window.history[method];
    if (method === "replaceState") LINK.replace = original;   // our own writes bypass the wrapper
    window.history[method] = function (state, title, url) {
      if (url !== undefined && url !== null) {
        try {
          const next = new URL(String(url), window.location.href);
          const owned = LINK.owned.get(next.pathname);
          if (owned) {
            const server = LINK.server.get(next.pathname) || {};
            const keep = {};
            for (const [name, value] of Object.entries(owned)) {
              const incoming = readParam(next.search, name);
              if (incoming !== (server[name] ?? null)) {   // the server moved it: its value wins
                delete owned[name];
                server[name] = incoming;
              } else {
                keep[name] = value;
              }
            }
            next.search = withParams(next.search, keep);
            url = next.toString();
          }
        } catch (e) { /* a URL we cannot read: leave it to Streamlit */ }
      }
      return original.call(this, state, title, url);
    };
  }
  window.history.__cnnStudioStepper = true;
}

function writeLink(params) {
  const path = window.location.pathname;
  const owned = LINK.owned.get(path) || {};
  const server = LINK.server.get(path) || {};
  for (const name of Object.keys(params)) {
    if (!(name in owned)) server[name] = readParam(window.location.search, name);   // what the server wrote
  }
  Object.assign(owned, params);
  LINK.owned.set(path, owned);
  LINK.server.set(path, server);
  const search = withParams(window.location.search, params);
  if (search !== window.location.search) {
    const url = new URL(window.location.href);
    url.search = search;
    (LINK.replace || window.history.replaceState).call(window.history, window.history.state, "", url.toString());
  }
}

// ---------------------------------------------------------------- drawing
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function shade(value, maxAbs, signed) {
  if (!Number.isFinite(value) || maxAbs === 0) return "transparent";
  // the app's one shading rule (ui/html_grid.py, shade): in a grid with a negative number, negative blue and
  // positive red; in a grid without one, blue
  const a = Math.min(Math.abs(value) / maxAbs, 1) * 0.55;
  if (signed && value > 0) return `rgba(214, 39, 40, ${a.toFixed(3)})`;
  return `rgba(31, 119, 180, ${a.toFixed(3)})`;
}

function buildGrid(spec, gridIndex) {
  const box = el("figure", "cs-grid");
  box.dataset.grid = String(gridIndex);
  box.appendChild(el("figcaption", "cs-title", spec.title));
  const rows = spec.text.length, cols = rows ? spec.text[0].length : 0;
  const table = el("div", "cs-cells");
  // every column as wide as the grid's longest printed number (tabular digits: 1ch each)
  let longest = 1;
  for (const row of spec.text) for (const text of row) longest = Math.max(longest, String(text).length);
  table.style.setProperty("--cs-col", `max(var(--cs-cell), calc(${(longest * 1.1).toFixed(1)}ch + 0.8em))`);
  table.style.gridTemplateColumns = `auto repeat(${cols}, var(--cs-col))`;
  table.appendChild(el("span", "cs-tick", ""));
  for (let c = 0; c < cols; c++) table.appendChild(el("span", "cs-tick", spec.col_labels ? spec.col_labels[c] : c + 1));
  let maxAbs = 0, signed = false;
  for (const row of spec.values) for (const v of row) {
    if (Number.isFinite(v)) { maxAbs = Math.max(maxAbs, Math.abs(v)); if (v < 0) signed = true; }
  }
  const cells = [];
  for (let r = 0; r < rows; r++) {
    table.appendChild(el("span", "cs-tick", spec.row_labels ? spec.row_labels[r] : r + 1));
    const line = [];
    for (let c = 0; c < cols; c++) {
      const cell = el("span", "cs-cell", spec.text[r][c]);
      const pad = spec.mask && spec.mask[r][c];
      if (pad) cell.classList.add("cs-pad");
      else cell.style.background = shade(spec.values[r][c], maxAbs, signed);
      if (spec.won && spec.won[r][c]) cell.classList.add("cs-won");
      if (spec.pick !== undefined && spec.pick !== null) {
        const index = spec.pick + r * cols + c;
        cell.classList.add("cs-pickable");
        cell.dataset.cell = String(index);   // the stage listens for clicks and hovers (one listener, not 2 a cell)
      }
      table.appendChild(cell);
      line.push(cell);
    }
    cells.push(line);
  }
  box.appendChild(table);
  return { box, cells, dim: !!spec.dim_unmarked, newline: spec.newline ? el("div", "cs-newline") : null };
}

// The grids of new data, reusing the previous mount's grid whose spec is the same (same numbers, texts, labels and
// options at the same place): its nodes stay in the page, so the browser neither builds, styles, lays out nor paints
// them again (#14: a new input size changes the input channels and the output maps, never the six kernels; a preset
// one channel and the maps). A grid that changed in any way is built again.
function reuseGrids(specs, old) {
  return specs.map((spec, i) => {
    const sig = JSON.stringify(spec);
    const before = old && old[i];
    if (before && before.sig === sig) {
      for (const node of before.box.querySelectorAll(".cs-win, .cs-at, .cs-winner")) {
        node.classList.remove("cs-win", "cs-at", "cs-winner");
      }
      before.reused = true;
      return before;
    }
    const built = buildGrid(spec, i);
    built.sig = sig;
    return built;
  });
}

// Put ``grids`` (their line breaks first) into ``stage`` in order, leaving a node already in its place untouched
// (re-inserting a node would have the browser style and lay it out again) and removing what is no longer shown.
function placeGrids(stage, grids) {
  let at = stage.firstChild;
  for (const g of grids) {
    for (const node of g.newline ? [g.newline, g.box] : [g.box]) {
      if (node === at) at = at.nextSibling;
      else stage.insertBefore(node, at);
    }
  }
  while (at) {
    const next = at.nextSibling;
    at.remove();
    at = next;
  }
}

// ---------------------------------------------------------------- the payload: JSON, or zlib-compressed JSON bytes
function sameBytes(a, b) {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function unpack(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return JSON.parse(await new Response(stream).text());
}

export default async function (component) {
  const { parentElement, key } = component;
  // Streamlit calls this again whenever the element re-renders (a rerun, a resize, a theme
  // change), not only when the data changed: keep the built stepper for the same data, since
  // rebuilding changes the height, which re-renders the element, which calls this again.
  const previous = parentElement.__cellStepper;
  const raw = component.data;
  const packed = raw instanceof Uint8Array;
  if (previous && (packed ? sameBytes(previous.raw, raw) : previous.raw === JSON.stringify(raw ?? null))) {
    return previous.cleanup;
  }
  const ticket = {};
  parentElement.__cellStepperTicket = ticket;
  const data = packed ? await unpack(raw) : raw;
  if (parentElement.__cellStepperTicket !== ticket) return undefined;   // newer data arrived meanwhile
  if (!data || !Array.isArray(data.cells) || data.cells.length === 0) {
    if (previous) previous.cleanup();
    return undefined;
  }

  const labels = data.labels || {};
  const [layersN, rowsN, colsN] = data.shape || [1, 1, data.cells.length];
  const per = rowsN * colsN;
  const count = data.cells.length;
  const clamp = (k) => Math.min(Math.max(k | 0, 0), count - 1);
  const stateKey = data.group || key;   // steppers of one group share the chosen cell
  const link = data.url || null;        // {param: "k" | "l" | "r" | "c" | "rc"}: how the link holds the cell

  // cell number -> the link's parameters (1-based)
  function toLink(k) {
    const l = Math.floor(k / per) + 1, r = Math.floor((k % per) / colsN) + 1, c = (k % colsN) + 1;
    const out = {};
    for (const [name, part] of Object.entries(link || {})) {
      out[name] = part === "k" ? String(k + 1) : part === "l" ? String(l) : part === "r" ? String(r)
        : part === "c" ? String(c) : `${r},${c}`;
    }
    return out;
  }
  const start = clamp(data.start || 0);
  let chosen, note = "";
  const origin = String(data.start_from ?? data.start ?? 0);   // the server's own choice, before clamping
  const kept = STATE.has(stateKey) && SEEN_START.get(stateKey) === origin;
  if (kept) {   // the cell chosen before this rerun (a smaller output keeps it inside, and says so)
    const before = STATE.get(stateKey);
    chosen = clamp(before);
    if (chosen !== before) note = labels.clamped || "";
  } else {      // first view (the page read the link's cell), or the page itself chose another cell
    chosen = start;
    if (data.clamped) note = labels.clamped || "";   // the link's cell was outside the output
  }
  SEEN_START.set(stateKey, origin);
  let shown = -1, timer = null, picked = !!note;

  // The root and the formula element stay across new data (only the bar, the grids and the legend are built
  // again): the formula is skipped by the browser while far out of view (CSS content-visibility: auto, e.g. below
  // the editors a student types in: its MathML is the costliest part to lay out), keeping its last height, which
  // only an element the browser has drawn before remembers.
  const keptRoot = previous && previous.root.isConnected && previous.formula && previous.formula.parentNode === previous.root
    ? previous.root : null;
  const root = keptRoot || el("div", "cs");
  root.setAttribute("role", "group");
  if (labels.region) root.setAttribute("aria-label", labels.region);
  else root.removeAttribute("aria-label");
  const bar = el("div", "cs-bar");
  const prev = el("button", "cs-btn", "‹");
  const play = el("button", "cs-btn cs-play", "▶");
  const next = el("button", "cs-btn", "›");
  prev.type = play.type = next.type = "button";
  prev.title = prev.ariaLabel = labels.prev || "previous";
  next.title = next.ariaLabel = labels.next || "next";
  play.title = play.ariaLabel = labels.play || "play";
  const name = el("span", "cs-name", "");
  const hint = el("span", "cs-hint", labels.hint || "");
  bar.append(prev, play, next, name, hint);
  const message = el("p", "cs-message", note);
  message.setAttribute("role", "status");
  message.hidden = !note;

  // the stage (the grids' box) stays too, with every grid whose spec did not change (reuseGrids); its listeners are
  // this mount's, removed with it (``listening``)
  const keptStage = keptRoot && previous.stage && previous.stage.parentNode === keptRoot ? previous.stage : null;
  if (keptStage) previous.unlisten();
  const stage = keptStage || el("div", "cs-stage");
  stage.tabIndex = 0;
  if (labels.stage) stage.setAttribute("aria-label", labels.stage);
  else stage.removeAttribute("aria-label");
  const grids = reuseGrids(data.grids || [], keptStage ? previous.grids : null);
  placeGrids(stage, grids);
  const listening = new AbortController();
  const on = { signal: listening.signal };
  const cellOf = (target) => {
    const node = target && target.closest ? target.closest("[data-cell]") : null;
    return node && stage.contains(node) ? Number(node.dataset.cell) : null;
  };
  stage.addEventListener("click", (e) => {
    const k = cellOf(e.target);
    if (k !== null) { pin(k, true); stage.focus(); }
  }, on);
  stage.addEventListener("pointerover", (e) => {   // entering a pick cell shows it (as pointerenter on each cell)
    const k = cellOf(e.target);
    if (k !== null) show(k);
  }, on);
  stage.addEventListener("pointerleave", () => show(chosen), on);

  const legend = el("div", "cs-legend");
  for (const [kind, text] of data.legend || []) {
    const item = el("span", "cs-legend-item");
    item.append(el("span", `cs-swatch cs-swatch-${String(kind).replace(/[^a-z]/g, "")}`), el("span", "", text));
    legend.appendChild(item);
  }
  legend.hidden = !(data.legend || []).length;

  const formula = (keptRoot && previous.formula) || el("div", "cs-formula");
  formula.setAttribute("aria-live", "polite");
  if (keptRoot) {   // the same root and formula element, the rest swapped in place: the height never drops to zero
    previous.stop();
    for (const node of [...root.childNodes]) if (node !== formula && node !== keptStage) node.remove();
    if (keptStage) {   // not moved: a node inserted again is styled and laid out again with all it holds
      keptStage.before(bar, message);
      keptStage.after(legend);
    } else {
      formula.before(bar, message, stage, legend);
    }
  } else {
    if (previous) previous.stop();
    root.append(bar, message, stage, legend, formula);
    parentElement.appendChild(root);
  }

  let lit = [];
  function show(k) {
    k = clamp(k);
    if (k === shown) return;
    shown = k;
    for (const node of lit) node.classList.remove("cs-win", "cs-at", "cs-winner");
    lit = [];
    const cell = data.cells[k];
    const marked = new Set();
    for (const [g, r0, c0, r1, c1, kind] of cell.marks || []) {
      const grid = grids[g];
      if (!grid) continue;
      marked.add(g);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) {
        const node = grid.cells[r] && grid.cells[r][c];
        if (!node) continue;
        if (kind === "winner") { node.classList.remove("cs-win"); node.classList.add("cs-winner"); }
        else if (!node.classList.contains("cs-winner")) node.classList.add("cs-win");
        lit.push(node);
      }
    }
    grids.forEach((g, i) => g.box.classList.toggle("cs-dim", g.dim && !marked.has(i)));
    for (const g of grids) {
      const at = g.box.querySelector(`[data-cell="${k}"]`);
      if (at) { at.classList.add("cs-at"); lit.push(at); }
    }
    name.textContent = cell.label || "";
    // built and escaped by Python (numbers and our own labels only). The same formula as the kept element already
    // shows (new data after a rerun that left this cell's numbers alone: a stride, another input row) is not parsed
    // and laid out again: MathML is the costliest part of the stepper to lay out
    if (formula.__csHtml !== cell.html) {
      formula.innerHTML = cell.html || "";
      formula.__csHtml = cell.html;
    }
    if (cell.aria) formula.setAttribute("aria-label", cell.aria);
    else formula.removeAttribute("aria-label");
    root.dataset.cell = String(k);
  }
  function pin(k, byUser) {
    chosen = clamp(k);
    STATE.set(stateKey, chosen);
    shown = -1;
    show(chosen);
    if (byUser) { picked = true; message.hidden = true; }
    // the link follows a pick (and a cell kept inside a smaller output), never a mere first view
    if (link && (picked || LINK.owned.has(window.location.pathname))) writeLink(toLink(chosen));
  }
  function step(delta) { pin((chosen + delta + count) % count, true); }
  function move(dr) {
    const layer = Math.floor(chosen / per), r = Math.floor((chosen % per) / colsN);
    const c = chosen % colsN, nr = Math.min(Math.max(r + dr, 0), rowsN - 1);
    pin(layer * per + nr * colsN + c, true);
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "▶";
    play.title = play.ariaLabel = labels.play || "play";
    play.setAttribute("aria-pressed", "false");
  }
  function start_() {
    if (timer !== null) return;
    play.textContent = "⏸";
    play.title = play.ariaLabel = labels.pause || "pause";
    play.setAttribute("aria-pressed", "true");
    timer = setInterval(() => step(1), data.frame_ms || 900);
  }
  prev.addEventListener("click", () => { stop(); step(-1); });
  next.addEventListener("click", () => { stop(); step(1); });
  play.addEventListener("click", () => (timer === null ? start_() : stop()));
  stage.addEventListener("keydown", (e) => {
    const keys = { ArrowRight: () => step(1), ArrowLeft: () => step(-1), ArrowDown: () => move(1),
      ArrowUp: () => move(-1), Home: () => pin(0, true), End: () => pin(count - 1, true),
      PageDown: () => pin(chosen + per, true), PageUp: () => pin(chosen - per, true),
      " ": () => (timer === null ? start_() : stop()) };
    const act = keys[e.key];
    if (!act) return;
    e.preventDefault();
    if (e.key !== " ") stop();
    act();
  }, on);
  pin(chosen, false);

  const cleanup = () => {
    stop();
    if (parentElement.__cellStepper !== mounted) return;   // a newer mount owns the root now
    listening.abort();
    root.remove();
    parentElement.__cellStepper = null;
  };
  const unlisten = () => listening.abort();
  const mounted = { raw: packed ? raw : JSON.stringify(raw ?? null), root, formula, stage, grids, stop, unlisten,
    cleanup };
  parentElement.__cellStepper = mounted;
  return cleanup;
}

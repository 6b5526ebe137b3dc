// Cell stepper: grids + windows + per-cell formula, all in the browser (no server round trip).
// The payload is documented in cell_stepper.py. Every text from the payload is set with
// textContent; only the per-cell "html" (formulas built and escaped by Python) uses innerHTML.
const STATE = new Map();   // group (or component key) -> chosen cell, kept across reruns of the page

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function shade(value, maxAbs, signed) {
  if (!Number.isFinite(value) || maxAbs === 0) return "transparent";
  const a = Math.min(Math.abs(value) / maxAbs, 1) * 0.55;
  if (!signed || value >= 0) return `rgba(31, 119, 180, ${a.toFixed(3)})`;
  return `rgba(214, 39, 40, ${a.toFixed(3)})`;
}

function buildGrid(spec, gridIndex, onPick, onHover) {
  const box = el("figure", "cs-grid");
  box.dataset.grid = String(gridIndex);
  box.appendChild(el("figcaption", "cs-title", spec.title));
  const rows = spec.text.length, cols = rows ? spec.text[0].length : 0;
  const table = el("div", "cs-cells");
  table.style.gridTemplateColumns = `auto repeat(${cols}, var(--cs-cell))`;
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
      if (spec.pick !== undefined && spec.pick !== null) {
        const index = spec.pick + r * cols + c;
        cell.classList.add("cs-pickable");
        cell.dataset.cell = String(index);
        cell.addEventListener("click", () => onPick(index));
        cell.addEventListener("pointerenter", () => onHover(index));
      }
      table.appendChild(cell);
      line.push(cell);
    }
    cells.push(line);
  }
  box.appendChild(table);
  return { box, cells, dim: !!spec.dim_unmarked };
}

export default function (component) {
  const { data, parentElement, key } = component;
  // Streamlit calls this again whenever the element re-renders (a rerun, a resize, a theme
  // change), not only when the data changed: keep the built stepper for the same data, since
  // rebuilding changes the height, which re-renders the element, which calls this again.
  const previous = parentElement.__cellStepper;
  const signature = data ? JSON.stringify(data) : "";
  if (previous && previous.signature === signature) return previous.cleanup;
  if (!data || !Array.isArray(data.cells) || data.cells.length === 0) {
    if (previous) previous.cleanup();
    return;
  }

  const labels = data.labels || {};
  const [, rowsN, colsN] = data.shape || [1, 1, data.cells.length];
  const count = data.cells.length;
  const clamp = (k) => Math.min(Math.max(k | 0, 0), count - 1);
  const stateKey = data.group || key;   // steppers of one group share the chosen cell
  let chosen = clamp(STATE.has(stateKey) ? STATE.get(stateKey) : (data.start || 0));
  let shown = -1, timer = null;

  const root = el("div", "cs");
  root.setAttribute("role", "group");
  if (labels.region) root.setAttribute("aria-label", labels.region);
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

  const stage = el("div", "cs-stage");
  stage.tabIndex = 0;
  if (labels.stage) stage.setAttribute("aria-label", labels.stage);
  const grids = (data.grids || []).map((g, i) => buildGrid(g, i, (k) => { pin(k); stage.focus(); }, (k) => show(k)));
  grids.forEach((g, i) => {
    if (data.grids[i].newline) stage.appendChild(el("div", "cs-newline"));
    stage.appendChild(g.box);
  });
  stage.addEventListener("pointerleave", () => show(chosen));

  const formula = el("div", "cs-formula");
  formula.setAttribute("aria-live", "polite");
  root.append(bar, stage, formula);
  if (previous && previous.root.isConnected) {   // swap in place: the height never drops to zero
    previous.stop();
    previous.root.replaceWith(root);
  } else {
    if (previous) previous.stop();
    parentElement.appendChild(root);
  }

  let lit = [];
  function show(k) {
    k = clamp(k);
    if (k === shown) return;
    shown = k;
    for (const node of lit) node.classList.remove("cs-win", "cs-at");
    lit = [];
    const cell = data.cells[k];
    const marked = new Set();
    for (const [g, r0, c0, r1, c1] of cell.marks || []) {
      const grid = grids[g];
      if (!grid) continue;
      marked.add(g);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) {
        const node = grid.cells[r] && grid.cells[r][c];
        if (node) { node.classList.add("cs-win"); lit.push(node); }
      }
    }
    grids.forEach((g, i) => g.box.classList.toggle("cs-dim", g.dim && !marked.has(i)));
    for (const g of grids) {
      const at = g.box.querySelector(`[data-cell="${k}"]`);
      if (at) { at.classList.add("cs-at"); lit.push(at); }
    }
    name.textContent = cell.label || "";
    formula.innerHTML = cell.html || "";   // built and escaped by Python (numbers and our own labels only)
    if (cell.aria) formula.setAttribute("aria-label", cell.aria);
    root.dataset.cell = String(k);
  }
  function pin(k) {
    chosen = clamp(k);
    STATE.set(stateKey, chosen);
    shown = -1;
    show(chosen);
  }
  function step(delta) { pin((chosen + delta + count) % count); }
  function move(dr) {
    const per = rowsN * colsN, layer = Math.floor(chosen / per), r = Math.floor((chosen % per) / colsN);
    const c = chosen % colsN, nr = Math.min(Math.max(r + dr, 0), rowsN - 1);
    pin(layer * per + nr * colsN + c);
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "▶";
    play.title = play.ariaLabel = labels.play || "play";
    play.setAttribute("aria-pressed", "false");
  }
  function start() {
    if (timer !== null) return;
    play.textContent = "⏸";
    play.title = play.ariaLabel = labels.pause || "pause";
    play.setAttribute("aria-pressed", "true");
    timer = setInterval(() => step(1), data.frame_ms || 900);
  }
  prev.addEventListener("click", () => { stop(); step(-1); });
  next.addEventListener("click", () => { stop(); step(1); });
  play.addEventListener("click", () => (timer === null ? start() : stop()));
  stage.addEventListener("keydown", (e) => {
    const keys = { ArrowRight: () => step(1), ArrowLeft: () => step(-1), ArrowDown: () => move(1),
      ArrowUp: () => move(-1), Home: () => pin(0), End: () => pin(count - 1),
      PageDown: () => pin(chosen + rowsN * colsN), PageUp: () => pin(chosen - rowsN * colsN),
      " ": () => (timer === null ? start() : stop()) };
    const act = keys[e.key];
    if (!act) return;
    e.preventDefault();
    if (e.key !== " ") stop();
    act();
  });
  pin(chosen);

  const cleanup = () => {
    stop();
    root.remove();
    if (parentElement.__cellStepper && parentElement.__cellStepper.root === root) parentElement.__cellStepper = null;
  };
  parentElement.__cellStepper = { signature, root, stop, cleanup };
  return cleanup;
}

// Grid editor: a matrix as a table of number boxes, edited in the browser (see grid_editor.py).
// Every text from the payload is set with textContent / value: nothing is parsed as HTML.
// A committed cell sends one "edit" event {r, c, text}; a resize button one "resize" event
// {rows, cols}. The server checks everything again and rewrites the matrix text.

// the parser's number pattern (ui/matrix_input.py _NUMBER), after the same normalisation
const NUMBER = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const MINUS = /[\u2212\u2013\u2012\ufe63\uff0d]/g;

function normalise(text) {
  return String(text).normalize("NFKC").replace(MINUS, "-").trim();
}

// "" counts as 0 (as an empty grid cell always did); otherwise a finite number in the parser's syntax
function valid(text) {
  const s = normalise(text);
  return s === "" || (s.length <= 100 && NUMBER.test(s) && Number.isFinite(parseFloat(s)));
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  if (!data || !Array.isArray(data.cells) || data.cells.length === 0) return undefined;
  const labels = data.labels || {};
  const rows = data.cells.length;
  const cols = data.cells[0].length;
  let root = parentElement.querySelector(".ge");
  // a new size (or the first draw): build the table; the same size: update the boxes in place,
  // so the box being typed in keeps its focus and its text across the page's rerun
  if (!root || root.__rows !== rows || root.__cols !== cols) {
    if (root) root.remove();
    root = build(parentElement, rows, cols);
  }
  root.__send = setTriggerValue;
  root.__labels = labels;
  const active = parentElement.activeElement || null;   // a ShadowRoot knows its focused box
  root.__inputs.forEach((row, r) => row.forEach((input, c) => {
    const value = String(data.cells[r][c]);
    const typing = input === active && input.value !== input.dataset.base;
    input.dataset.base = value;
    input.setAttribute("aria-label", fill(labels.cell, { row: r + 1, col: c + 1 }));   // the language may change
    if (!typing) {
      input.value = value;
      input.removeAttribute("aria-invalid");
    }
  }));
  root.__message.textContent = "";
  root.__caption.textContent = data.caption || "";
  root.__bar.hidden = !data.resizable;
  for (const [name, button] of Object.entries(root.__buttons)) {
    button.textContent = labels[name] || name;
    button.disabled = !(data.can && data.can[name]);
  }
  root.__table.setAttribute("aria-label", labels.grid || "");
  return undefined;
}

function build(parent, rows, cols) {
  const root = el("div", "ge");
  root.__rows = rows;
  root.__cols = cols;
  const wrap = el("div", "ge-wrap");
  const table = el("table", "ge-table");
  const head = el("tr");
  head.appendChild(el("th", "ge-corner"));
  for (let c = 0; c < cols; c += 1) head.appendChild(el("th", "ge-col", String(c + 1)));
  table.appendChild(head);
  const inputs = [];
  for (let r = 0; r < rows; r += 1) {
    const tr = el("tr");
    tr.appendChild(el("th", "ge-row", String(r + 1)));
    const line = [];
    for (let c = 0; c < cols; c += 1) {
      const td = el("td");
      const input = el("input", "ge-cell");
      input.type = "text";
      input.inputMode = "decimal";
      input.autocomplete = "off";
      input.spellcheck = false;
      input.dataset.r = String(r);
      input.dataset.c = String(c);
      td.appendChild(input);
      tr.appendChild(td);
      line.push(input);
    }
    table.appendChild(tr);
    inputs.push(line);
  }
  wrap.appendChild(table);
  root.appendChild(wrap);
  const message = el("div", "ge-message");
  message.setAttribute("role", "status");
  root.appendChild(message);
  const caption = el("div", "ge-caption");
  root.appendChild(caption);
  const bar = el("div", "ge-bar");
  const buttons = {};
  for (const [name, dr, dc] of [["add_row", 1, 0], ["remove_row", -1, 0], ["add_col", 0, 1], ["remove_col", 0, -1]]) {
    const button = el("button", "ge-btn");
    button.type = "button";
    button.dataset.name = name;
    button.addEventListener("click", () => {
      // one change at a time: the buttons come back with the redrawn grid
      for (const b of Object.values(buttons)) b.disabled = true;
      root.__send("resize", { rows: dr, cols: dc });
    });
    bar.appendChild(button);
    buttons[name] = button;
  }
  root.appendChild(bar);
  Object.assign(root, { __inputs: inputs, __message: message, __caption: caption, __bar: bar,
                        __buttons: buttons, __table: table });

  const labels = () => root.__labels || {};
  const commit = (input) => {
    if (input.value === input.dataset.base) return true;
    if (!valid(input.value)) {
      input.setAttribute("aria-invalid", "true");
      message.textContent = fill(labels().bad, { row: Number(input.dataset.r) + 1, col: Number(input.dataset.c) + 1 });
      return false;
    }
    input.removeAttribute("aria-invalid");
    message.textContent = "";
    root.__send("edit", { r: Number(input.dataset.r), c: Number(input.dataset.c), text: normalise(input.value) });
    input.dataset.base = input.value;   // sent: not "being typed" any more
    return true;
  };
  const focusCell = (r, c) => {
    const input = inputs[r] && inputs[r][c];
    if (input) { input.focus(); input.select(); }
  };
  table.addEventListener("change", (e) => { if (e.target.classList.contains("ge-cell")) commit(e.target); });
  table.addEventListener("keydown", (e) => {
    const input = e.target;
    if (!input.classList || !input.classList.contains("ge-cell")) return;
    const r = Number(input.dataset.r);
    const c = Number(input.dataset.c);
    if (e.key === "Enter") {            // commit and go down, as in a spreadsheet (Shift: up)
      e.preventDefault();
      if (commit(input)) focusCell(e.shiftKey ? r - 1 : r + 1, c);
    } else if (e.key === "Escape") {    // back to the value shown before typing
      input.value = input.dataset.base;
      input.removeAttribute("aria-invalid");
      message.textContent = "";
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (commit(input)) focusCell(e.key === "ArrowDown" ? r + 1 : r - 1, c);
    }
  });
  parent.appendChild(root);
  return root;
}

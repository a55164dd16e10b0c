// Renders a page of rows into the <table>. Cell text is always set as text (text nodes, never HTML).

import { formatCount, plural } from "./format.js";

const numeric = /^[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?%?$/;
const longCell = 48;
// A page of more cells than this is laid out with fixed column widths, measured from its text, and
// only its first rows are drawn at once, the rest in batches after them: laying out a 1,000 × 200
// page as an auto-sized table took the browser seconds before anything showed.
const largePage = 20_000;
const firstRows = 50;
const rowsPerBatch = 50;
const widest = 40;

/** A column is numeric when every non-empty cell on the page is a number (and at least one is). */
function numericColumns(columns, rows) {
  return columns.map((_, c) => {
    let numbers = 0;
    for (const row of rows) {
      const cell = row[c];
      if (cell === "") {
        continue;
      }
      if (!numeric.test(cell) || !/\d/.test(cell)) {
        return false;
      }
      numbers++;
    }
    return numbers > 0;
  });
}

/**
 * header(th, name, c) fills a header cell (sort and menu buttons); rowNumbers are each row's
 * 1-based record number in the file; find, when set, is highlighted in the cells; truncated lists
 * the cells the page carries cut ({ row, column, length }), each offered whole at cellLink(rowNumber,
 * column); empty ({ text, clear }) is what a page without rows says, with a button to clear the view;
 * marks(rowNumber) says what changed in a row since an earlier version ({ added } or { changed: Map of
 * 1-based column to the text it had }), shown by a sign and, for screen readers, in words.
 */
export function renderGrid(table, { columns, rows, rowNumbers, header, find = "", truncated = [], cellLink, empty, marks = () => null }) {
  const isNumeric = numericColumns(columns, rows);
  const headRow = document.createElement("tr");
  const corner = document.createElement("th");
  corner.scope = "col";
  corner.className = "row-number";
  corner.textContent = "#";
  corner.title = "Row number in the file";
  headRow.append(corner);
  columns.forEach((name, c) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.dir = "auto";
    if (isNumeric[c]) {
      th.className = "num";
    }
    header(th, name, c);
    headRow.append(th);
  });
  table.tHead.replaceChildren(headRow);
  const large = rows.length * columns.length > largePage;
  layOut(table, large ? columnWidths(columns, rows) : null);

  const cuts = new Map(truncated.map((cut) => [`${cut.row}:${cut.column}`, cut]));
  const render = (from, to) => {
    const body = document.createDocumentFragment();
    for (let i = from; i < to; i++) {
      body.append(rowOf(rows[i], i));
    }
    return body;
  };
  const rowOf = (row, i) => {
    const tr = document.createElement("tr");
    const number = document.createElement("th");
    number.scope = "row";
    number.className = "row-number";
    number.textContent = formatCount(rowNumbers[i]);
    tr.append(number);
    const mark = marks(rowNumbers[i]);
    if (mark?.added) {
      tr.classList.add("row-added");
      number.prepend(hiddenWords("Added row "));
    }
    row.forEach((cell, c) => {
      const td = document.createElement("td");
      td.dir = "auto";
      const was = mark?.changed?.get(c + 1);
      const cut = cuts.get(`${i}:${c + 1}`);
      if (cut) {
        td.append(wholeCellLink(cellLink(rowNumbers[i], c + 1), cut.length));
      }
      if (find) {
        td.append(...highlighted(cell, find));
      } else {
        td.append(cell);
      }
      if (isNumeric[c]) {
        td.className = "num";
      } else if (cut || cell.length > longCell || cell.includes("\n")) {
        td.className = cut ? "long cut" : "long";
        if (!cut) {
          td.title = cell;
        }
        td.append(expandButton());
      } else if (cell !== "" && cell.trim() === "") {
        // Only spaces: shown as such, so it does not pass for an empty cell.
        td.className = "blank";
        td.title = plural(cell.length, "space", "spaces");
      }
      if (was !== undefined) {
        td.classList.add("cell-changed");
        td.prepend(hiddenWords(`Changed, was “${was}”: `));
        td.title = `Was: ${was}`;
      }
      tr.append(td);
    });
    return tr;
  };
  const token = (table.dataset.render = String(Number(table.dataset.render ?? 0) + 1));
  const first = large ? Math.min(rows.length, firstRows) : rows.length;
  table.tBodies[0].replaceChildren(rows.length === 0 ? emptyRow(columns.length + 1, empty) : render(0, first));
  // The rest once the first rows are on screen, a batch a task, unless another page came meanwhile.
  const more = (from) => {
    if (from >= rows.length || table.dataset.render !== token) {
      return;
    }
    const to = Math.min(rows.length, from + rowsPerBatch);
    table.tBodies[0].append(render(from, to));
    setTimeout(() => more(to), 0);
  };
  if (first < rows.length) {
    requestAnimationFrame(() => setTimeout(() => more(first), 0));
  }
}

/** Each column's width in characters: its longest text on the page (header included), within limits. */
function columnWidths(columns, rows) {
  return columns.map((name, c) => {
    let width = Math.min(widest, name.length + 4); // room for the sort arrow and the menu button
    for (const row of rows) {
      width = Math.max(width, Math.min(widest, row[c].length));
    }
    return Math.max(4, width);
  });
}

/** Fixed widths (a colgroup and the table's width) for a large page, or the browser's own layout. */
function layOut(table, widths) {
  table.querySelector("colgroup")?.remove();
  table.classList.toggle("fixed", widths !== null);
  if (widths === null) {
    table.style.removeProperty("width");
    return;
  }
  const padding = 1.6; // rem: a cell's padding and border
  const group = document.createElement("colgroup");
  const numbers = document.createElement("col");
  numbers.style.width = "6rem";
  group.append(numbers);
  for (const width of widths) {
    const col = document.createElement("col");
    col.style.width = `calc(${width}ch + ${padding}rem)`;
    group.append(col);
  }
  table.prepend(group);
  table.style.width = `calc(${widths.reduce((a, b) => a + b, 0)}ch + ${widths.length * padding + 6}rem)`;
}

/** The cell's text as text nodes, with each case-insensitive match of find in a <mark>. */
function highlighted(cell, find) {
  if (!find) {
    return [document.createTextNode(cell)];
  }
  const nodes = [];
  const lower = cell.toLowerCase();
  const needle = find.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(needle); at >= 0 && needle.length > 0; at = lower.indexOf(needle, at + needle.length)) {
    if (at > from) {
      nodes.push(document.createTextNode(cell.slice(from, at)));
    }
    const mark = document.createElement("mark");
    mark.textContent = cell.slice(at, at + needle.length);
    nodes.push(mark);
    from = at + needle.length;
  }
  nodes.push(document.createTextNode(cell.slice(from)));
  return nodes;
}

/** The first line of a row that says there are none (full width), with a button that clears the view when there is one. */
function emptyRow(width, { text, clear } = { text: "No rows.", clear: null }) {
  const tr = document.createElement("tr");
  tr.className = "empty";
  const td = document.createElement("td");
  td.colSpan = width;
  td.append(text);
  if (clear) {
    const button = document.createElement("button");
    button.type = "button";
    button.id = "clear-view";
    button.className = "button";
    button.textContent = clear;
    td.append(" ", button);
  }
  tr.append(td);
  return tr;
}

/** The link in a cell the page carries cut: it opens the whole cell, and says how long it is. */
function wholeCellLink(href, length) {
  const link = document.createElement("a");
  link.className = "whole-cell";
  link.href = href;
  link.target = "_blank";
  link.rel = "noopener";
  link.textContent = `Cut — open the whole cell (${plural(length, "character", "characters")})`;
  return link;
}

/** The button in a long cell: its name says what it does; it adds no text to the cell. */
function expandButton() {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "expand";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-label", "Show the whole cell");
  return button;
}

/**
 * Long cells show in full when clicked (or their button is pressed with Enter or Space, from the
 * keyboard), and fold again the second time.
 */
export function enableExpandingCells(table) {
  table.tBodies[0].addEventListener("click", (event) => {
    const cell = event.target.closest("td.long");
    if (!cell || event.target.closest("a")) {
      return;
    }
    const expanded = cell.classList.toggle("expanded");
    const button = cell.querySelector("button.expand");
    button.setAttribute("aria-expanded", String(expanded));
    button.setAttribute("aria-label", expanded ? "Fold the cell" : "Show the whole cell");
  });
}

/** Words for screen readers only (what a sign or a colour shows the eye). */
export function hiddenWords(text) {
  const span = document.createElement("span");
  span.className = "visually-hidden";
  span.textContent = text;
  return span;
}

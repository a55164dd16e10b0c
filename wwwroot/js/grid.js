// Renders a page of rows into the <table>. Cell text is always set as text (text nodes, never HTML).

import { formatCount, plural } from "./format.js";

const numeric = /^[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?%?$/;
const longCell = 48;

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
 * 1-based record number in the file; find, when set, is highlighted in the cells.
 */
export function renderGrid(table, { columns, rows, rowNumbers, header, find = "" }) {
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

  const body = document.createDocumentFragment();
  rows.forEach((row, i) => {
    const tr = document.createElement("tr");
    const number = document.createElement("th");
    number.scope = "row";
    number.className = "row-number";
    number.textContent = formatCount(rowNumbers[i]);
    tr.append(number);
    row.forEach((cell, c) => {
      const td = document.createElement("td");
      td.dir = "auto";
      td.append(...highlighted(cell, find));
      if (isNumeric[c]) {
        td.className = "num";
      } else if (cell.length > longCell || cell.includes("\n")) {
        td.className = "long";
        td.title = cell;
        td.append(expandButton());
      } else if (cell !== "" && cell.trim() === "") {
        // Only spaces: shown as such, so it does not pass for an empty cell.
        td.className = "blank";
        td.title = plural(cell.length, "space", "spaces");
      }
      tr.append(td);
    });
    body.append(tr);
  });
  table.tBodies[0].replaceChildren(body);
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
    if (!cell) {
      return;
    }
    const expanded = cell.classList.toggle("expanded");
    const button = cell.querySelector("button.expand");
    button.setAttribute("aria-expanded", String(expanded));
    button.setAttribute("aria-label", expanded ? "Fold the cell" : "Show the whole cell");
  });
}

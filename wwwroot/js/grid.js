// Renders a page of rows into the <table>. Cell text is always set with textContent.

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

export function renderGrid(table, columns, rows, firstRowNumber) {
  const isNumeric = numericColumns(columns, rows);
  const headRow = document.createElement("tr");
  const corner = document.createElement("th");
  corner.scope = "col";
  corner.className = "row-number";
  corner.textContent = "#";
  headRow.append(corner);
  columns.forEach((name, c) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.dir = "auto";
    th.textContent = name;
    if (isNumeric[c]) {
      th.className = "num";
    }
    headRow.append(th);
  });
  table.tHead.replaceChildren(headRow);

  const body = document.createDocumentFragment();
  rows.forEach((row, i) => {
    const tr = document.createElement("tr");
    const number = document.createElement("th");
    number.scope = "row";
    number.className = "row-number";
    number.textContent = formatCount(firstRowNumber + i);
    tr.append(number);
    row.forEach((cell, c) => {
      const td = document.createElement("td");
      td.dir = "auto";
      td.textContent = cell;
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

// Renders a page of rows into the <table>. Cell text is always set with textContent.

import { formatCount } from "./format.js";

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
      td.textContent = cell;
      if (isNumeric[c]) {
        td.className = "num";
      } else if (cell.length > longCell || cell.includes("\n")) {
        td.className = "long";
        td.title = cell;
      }
      tr.append(td);
    });
    body.append(tr);
  });
  table.tBodies[0].replaceChildren(body);
}

/** Long cells show in full when clicked, and fold again on a second click. */
export function enableExpandingCells(table) {
  table.tBodies[0].addEventListener("click", (event) => {
    const cell = event.target.closest("td.long");
    cell?.classList.toggle("expanded");
  });
}

// "What changed" between two versions: the counts, the changed cells and added rows marked on the
// page in view, and a list of only the changes (removed rows struck through), a page at a time.

import { formatCount, plural } from "./format.js";
import { hiddenWords } from "./grid.js";
import { describeError } from "./hub.js";

const $ = (id) => document.getElementById(id);
// Changes read for the marks on the page: as many as a few requests carry.
const pageSize = 1000;
const mostPages = 20;
// Changes in the list at a time.
const listed = 50;

/**
 * <source> reads the changes; <table()> gives the table's id and columns; <redraw()> draws the page
 * again with the marks; <notices> says when the changes cannot be read.
 */
export function createChanges(source, notices, { table, redraw }) {
  let shown = null; // { from, to, first (the first page's answer), rows (read so far), marks, at }

  $("close-changes").addEventListener("click", () => close());
  $("changes-previous").addEventListener("click", () => list(shown.at - listed));
  $("changes-next").addEventListener("click", () => list(shown.at + listed));

  /** Reads the changes from version <from> to <to>, shows them and marks the page. */
  async function open(from, to) {
    const { id } = table();
    $("changes").hidden = false;
    $("changes-title").textContent = `What changed from version ${formatCount(from)} to ${formatCount(to)}`;
    $("changes-counts").textContent = "Comparing…";
    $("changes-list").tBodies[0].replaceChildren();
    try {
      const first = await source.changes(id, { from, to, page: 1, pageSize });
      const rows = [...first.rows];
      for (let page = 2; page <= Math.min(first.totalPages, mostPages); page++) {
        rows.push(...(await source.changes(id, { from, to, page, pageSize })).rows);
      }
      if (table().id !== id) {
        return;
      }
      const pairs = pairColumns(first.columns, first.oldColumns);
      shown = { from, to, first, rows, pairs, marks: marksOf(rows, pairs), at: 0 };
      $("changes-counts").textContent = counts(first, rows.length);
      list(0);
      redraw();
      $("changes").focus?.();
    } catch (error) {
      $("changes-counts").textContent = "";
      $("changes").hidden = true;
      notices.show(`What changed could not be shown: ${describeError(error).message}`, { kind: "error" });
    }
  }

  function close() {
    const had = shown !== null;
    shown = null;
    $("changes").hidden = true;
    if (had) {
      redraw();
    }
  }

  /** The list of changes from <at>, <listed> at a time. */
  function list(at) {
    shown.at = Math.max(0, Math.min(at, Math.max(0, shown.rows.length - 1)));
    const { first, rows } = shown;
    const head = document.createElement("tr");
    for (const name of ["Change", "Row", ...first.columns]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.append(th);
    }
    $("changes-list").tHead.replaceChildren(head);
    $("changes-list").tBodies[0].replaceChildren(...rows.slice(shown.at, shown.at + listed).map((row) => listRow(row, first.columns.length, shown.pairs)));
    $("changes-previous").disabled = shown.at === 0;
    $("changes-next").disabled = shown.at + listed >= rows.length;
    $("changes-page").textContent = rows.length === 0
      ? "No rows changed."
      : `Changes ${formatCount(shown.at + 1)}–${formatCount(Math.min(rows.length, shown.at + listed))} of ${formatCount(rows.length)}`;
  }

  return {
    open,
    close,
    /** What changed in a row of the version compared to (null when nothing, or no changes are shown). */
    marks(rowNumber, version) {
      return shown && shown.to === version ? shown.marks.get(rowNumber) ?? null : null;
    },
  };
}

/** "12 added · 30 changed · 4 removed", and the columns added and removed. */
function counts(changes, read) {
  const parts = [`${formatCount(changes.added)} added`, `${formatCount(changes.changed)} changed`, `${formatCount(changes.removed)} removed`];
  const columns = [
    ...(changes.columnsAdded.length ? [`columns added: ${changes.columnsAdded.join(", ")}`] : []),
    ...(changes.columnsRemoved.length ? [`columns removed: ${changes.columnsRemoved.join(", ")}`] : []),
  ];
  const partly = read < changes.totalRows ? ` (the first ${plural(read, "change is", "changes are")} marked and listed)` : "";
  return `${parts.join(" · ")}${columns.length ? ` — ${columns.join("; ")}` : ""}${partly}`;
}

/**
 * For each column of the new version, the position of the same column in the old one (-1: added),
 * paired by name as the server pairs them (the k-th column of a name with the k-th of that name).
 */
function pairColumns(columns, oldColumns) {
  const taken = new Set();
  return columns.map((name) => {
    const index = oldColumns.findIndex((old, i) => old === name && !taken.has(i));
    taken.add(index);
    return index;
  });
}

/** Row number in the new version → { added } or { changed: Map of column → the text it had }. */
function marksOf(rows, pairs) {
  const marks = new Map();
  for (const row of rows) {
    if (row.kind === "added") {
      marks.set(row.rowNumber, { added: true });
    } else if (row.kind === "changed") {
      marks.set(row.rowNumber, { changed: new Map(row.changedColumns.map((column) => [column, oldText(row, column, pairs)])) });
    }
  }
  return marks;
}

/** What the cell of the new version's <column> (1-based) was in the old version's row. */
function oldText(row, column, pairs) {
  return row.oldCells?.[pairs[column - 1]] ?? "";
}

/** One change in the list: what happened, the row, the cells (a changed cell with what it was; a removed row struck through). */
function listRow(row, width, pairs) {
  const tr = document.createElement("tr");
  tr.className = row.kind;
  const kind = document.createElement("td");
  kind.textContent = { added: "Added", changed: "Changed", removed: "Removed" }[row.kind];
  const number = document.createElement("td");
  number.textContent = row.kind === "removed" ? `was ${formatCount(row.oldRowNumber)}` : formatCount(row.rowNumber);
  tr.append(kind, number);
  for (let c = 0; c < width; c++) {
    const td = document.createElement("td");
    td.dir = "auto";
    if (row.kind === "removed") {
      // A removed row's cells are the old version's: each under the new version's column of that name.
      const struck = document.createElement("del");
      struck.textContent = oldText(row, c + 1, pairs);
      td.append(struck);
    } else {
      td.append(row.cells[c] ?? "");
      if (row.changedColumns.includes(c + 1)) {
        td.classList.add("cell-changed");
        const was = document.createElement("span");
        was.className = "was";
        was.textContent = oldText(row, c + 1, pairs);
        td.prepend(hiddenWords("Changed: "));
        td.append(hiddenWords(", was "), was);
      }
    }
    tr.append(td);
  }
  return tr;
}

// A table's header cells: a button that sorts by the column (Shift adds it as a further key), and
// the column's menu.

import { sortOf } from "./view-state.js";

/** <onSort(column, shiftKey)> and <onMenu(button, column, direction)> act on the column (1-based). */
export function fillHeaderCell(th, name, index, { view, onSort, onMenu }) {
  const column = index + 1;
  const { direction, index: key } = sortOf(view, column);
  th.setAttribute("aria-sort", direction);
  // Screen readers announce the header's name with every cell: the column's name, nothing more.
  th.setAttribute("aria-label", name);
  const sort = document.createElement("button");
  sort.type = "button";
  sort.className = "sort";
  sort.dataset.column = String(column);
  // Named after the column only: the arrow and the key's place are drawn by CSS; the place is also
  // said in the button's description, and the direction by the header's aria-sort.
  sort.textContent = name;
  sort.title = "Sort by this column (Shift: add it as a further sort key)";
  if (direction !== "none" && view.sort.length > 1) {
    sort.dataset.key = String(key + 1);
    sort.setAttribute("aria-description", `Sort key ${key + 1} of ${view.sort.length}, ${direction}`);
  }
  sort.addEventListener("click", (event) => onSort(column, event.shiftKey));
  const menu = document.createElement("button");
  menu.type = "button";
  menu.className = "menu";
  menu.dataset.column = String(column);
  menu.setAttribute("aria-label", `Column menu: ${name}`);
  menu.setAttribute("aria-haspopup", "dialog");
  menu.setAttribute("aria-expanded", "false");
  menu.addEventListener("click", () => onMenu(menu, column, direction));
  th.append(sort, menu);
}

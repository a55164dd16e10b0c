// The view bar above a table: the find box, the filters as chips, how many rows the view holds, and
// "Sorting…" while a slow view is computed.

import { formatCount, plural } from "./format.js";
import { describeFilter, emptyView, removeFilter } from "./view-state.js";

const $ = (id) => document.getElementById(id);
// A view answered faster than this shows no "Sorting…" (no flicker); a slower one says it is at work.
const busyAfterMs = 400;
const findPauseMs = 300;

/**
 * <view()> is the view shown; <change(view, busyText, options)> asks for another one (push: a new
 * history entry; keepFind: the find box is being typed in).
 */
export function createViewBar({ view, change }) {
  // While the viewer types in the find box, the address's history entry is replaced, not added to.
  let typingFind = false;
  let findTimer = null;
  let busyTimer = null;

  $("find").addEventListener("input", () => {
    clearTimeout(findTimer);
    findTimer = setTimeout(() => {
      const q = $("find").value.trim();
      if (q !== view().q) {
        change({ ...view(), q }, "Finding…", { push: !typingFind, keepFind: true });
        typingFind = true;
      }
    }, findPauseMs);
  });
  $("find").addEventListener("blur", () => {
    typingFind = false;
  });
  $("filters").addEventListener("click", (event) => {
    const chip = event.target.closest("button[data-filter]");
    if (chip) {
      change(removeFilter(view(), chip.dataset.filter), "Filtering…");
      $("find").focus();
    }
  });
  $("grid").addEventListener("click", (event) => {
    if (event.target.closest("#clear-view")) {
      change(emptyView, "Loading…");
      $("find").focus();
    }
  });

  return {
    /** The find box shows the view's text. */
    showFind(q) {
      $("find").value = q;
    },
    /** The view changed by other means than typing in the find box: the next text typed is a new step in the history. */
    endTyping() {
      typingFind = false;
    },
    /** The active filters as chips that remove themselves, and how many rows the view holds. */
    show(page, columns) {
      const current = view();
      const chips = current.filter.map((filter) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "chip";
        button.dataset.filter = filter;
        const words = describeFilter(filter, columns);
        button.setAttribute("aria-label", `Remove filter: ${words}`);
        button.append(document.createTextNode(words), Object.assign(document.createElement("span"), { textContent: "×", ariaHidden: "true" }));
        const item = document.createElement("li");
        item.append(button);
        return item;
      });
      $("filters").replaceChildren(...chips);
      $("filters").hidden = chips.length === 0;
      $("view-status").textContent = selects(current) ? `${plural(page.totalRows, "row matches", "rows match")} of ${formatCount(page.tableRows)}` : "";
    },
    /** Says the view is being computed: at once for screen readers (aria-busy), in words only when it takes a while. */
    busy(text, stillWanted) {
      clearTimeout(busyTimer);
      const region = $("table-region");
      if (!text) {
        region.removeAttribute("aria-busy");
        $("view-busy").hidden = true;
        return;
      }
      region.setAttribute("aria-busy", "true");
      busyTimer = setTimeout(() => {
        if (stillWanted()) {
          $("view-busy").textContent = text;
          $("view-busy").hidden = false;
        }
      }, busyAfterMs);
    },
  };
}

/** Whether a view leaves rows out (filters or a text to find), rather than only ordering them. */
export function selects(view) {
  return view.filter.length > 0 || view.q !== "";
}

/** What an empty page says: with a view, that nothing matches, and a way out. */
export function emptyMessage(view) {
  if (!selects(view)) {
    return { text: "No rows.", clear: null };
  }
  const text = view.q
    ? `No rows contain “${view.q}”${view.filter.length ? " and pass the filters" : ""}.`
    : "No rows pass the filters.";
  return { text, clear: "Clear find and filters" };
}

// The menu of one column: sort, a filter fitting the column's type, and the column's stats
// (counts, top values with bars, a histogram drawn from the data). Built with DOM calls only.

import { capitalize, formatCount } from "./format.js";
import { acceptedValues, kindOf, valueFits } from "./view-state.js";

const svgNs = "http://www.w3.org/2000/svg";

const operators = {
  number: [["between", "between"], ["eq", "equals"], ["ne", "does not equal"], ["lt", "less than"], ["le", "at most"], ["gt", "greater than"], ["ge", "at least"], ["empty", "is empty"], ["nonempty", "is not empty"]],
  date: [["between", "between"], ["eq", "on"], ["ne", "not on"], ["lt", "before"], ["le", "on or before"], ["gt", "after"], ["ge", "on or after"], ["empty", "is empty"], ["nonempty", "is not empty"]],
  text: [["contains", "contains"], ["starts", "starts with"], ["eq", "is"], ["ne", "is not"], ["empty", "is empty"], ["nonempty", "is not empty"]],
  boolean: [["eq", "is"], ["empty", "is empty"], ["nonempty", "is not empty"]],
};

function element(tag, { text, className, ...attributes } = {}, children = []) {
  const node = document.createElement(tag);
  if (text !== undefined) {
    node.textContent = text;
  }
  if (className) {
    node.className = className;
  }
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/**
 * panel: the dialog element; onSort(column, direction), onFilter(filters) apply a choice;
 * loadStats(column) gives the column's stats (a promise); viewSelects() whether a filter or find is on.
 */
export function createColumnMenu(panel, { onSort, onFilter, loadStats, viewSelects }) {
  let opener = null;
  let shown = null; // { column, name, type, direction }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      close();
    }
  });
  document.addEventListener("click", (event) => {
    if (!panel.hidden && !panel.contains(event.target) && event.target !== opener && !opener?.contains(event.target)) {
      close({ restoreFocus: false });
    }
  });
  // Tab past the menu's last control (or Shift+Tab before its first) closes it and returns to its
  // button, from where Tab goes on through the page: an open menu is never left behind.
  panel.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") {
      return;
    }
    const controls = [...panel.querySelectorAll("button, select, input, a[href]")].filter((c) => !c.disabled && !c.hidden && c.offsetParent !== null);
    const edge = event.shiftKey ? controls[0] : controls[controls.length - 1];
    if (event.target === edge) {
      event.preventDefault();
      close();
    }
  });
  // Focus moving elsewhere in the page (a click on another control) closes it too.
  panel.addEventListener("focusout", (event) => {
    const to = event.relatedTarget;
    if (!panel.hidden && to instanceof Node && !panel.contains(to) && to !== opener) {
      close({ restoreFocus: false });
    }
  });

  function close({ restoreFocus = true } = {}) {
    if (panel.hidden) {
      return;
    }
    panel.hidden = true;
    opener?.setAttribute("aria-expanded", "false");
    if (restoreFocus) {
      opener?.focus();
    }
    opener = null;
    shown = null;
  }

  function open(button, { column, name, type, direction }, { focus = true } = {}) {
    if (opener === button) {
      close();
      return;
    }
    close({ restoreFocus: false });
    opener = button;
    shown = { column, name, type, direction };
    button.setAttribute("aria-expanded", "true");
    const title = element("h2", { text: name, id: "column-menu-title" });
    panel.setAttribute("aria-labelledby", "column-menu-title");
    const closeButton = element("button", { type: "button", className: "close", "aria-label": "Close the column menu", text: "×" });
    closeButton.addEventListener("click", () => close());
    panel.replaceChildren(
      element("div", { className: "menu-head" }, [title, element("span", { className: "type", text: type }), closeButton]),
      sortSection(column, direction),
      filterSection(column, type),
      statsSection(column),
    );
    panel.hidden = false;
    place(button);
    if (focus) {
      panel.querySelector("button:not(.close)")?.focus();
    }
  }

  function place(button) {
    const rect = button.getBoundingClientRect();
    panel.style.top = `${rect.bottom + window.scrollY + 4}px`;
    panel.style.left = `${Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - panel.offsetWidth - 8))}px`;
  }

  /**
   * The header was drawn anew (another page, the same table): the open menu stays, anchored to its
   * column's new button. menuButton(column) finds that button.
   */
  function reanchor(menuButton) {
    if (panel.hidden || !shown) {
      return;
    }
    const button = menuButton(shown.column);
    if (!button) {
      close({ restoreFocus: false });
      return;
    }
    const hadFocus = opener === document.activeElement;
    opener = button;
    button.setAttribute("aria-expanded", "true");
    place(button);
    if (hadFocus) {
      button.focus();
    }
  }

  /**
   * A new version of the table: an open menu shows the new version's stats when its column is still
   * there under the same name, and closes otherwise (its stats and filter would be of another column).
   */
  function tableChanged(columns, types) {
    if (panel.hidden || !shown) {
      return;
    }
    const was = shown;
    if (columns[was.column - 1] !== was.name) {
      close({ restoreFocus: false });
      return;
    }
    const button = opener;
    const within = panel.contains(document.activeElement);
    close({ restoreFocus: false });
    open(button, { ...was, type: types[was.column - 1] ?? "text" }, { focus: within });
  }

  function sortSection(column, direction) {
    const section = element("section", { className: "menu-sort", "aria-label": "Sort" });
    for (const [choice, label] of [["ascending", "Sort ascending"], ["descending", "Sort descending"], ["none", "Remove sort"]]) {
      const button = element("button", { type: "button", className: "button", text: label });
      button.disabled = choice === direction;
      button.addEventListener("click", () => {
        close();
        onSort(column, choice);
      });
      section.append(button);
    }
    return section;
  }

  function filterSection(column, type) {
    const kind = kindOf(type);
    const form = element("form", { className: "menu-filter", "aria-label": "Filter" });
    const op = element("select", { "aria-label": "Filter operator" });
    for (const [value, label] of operators[kind]) {
      op.append(element("option", { value, text: label }));
    }
    // What the column accepts is said under the fields, and a value it cannot hold is refused here, before it reaches the view.
    const accepts = element("p", { className: "hint", id: "filter-accepts", text: `${capitalize(acceptedValues(type))}.` });
    const problem = element("p", { className: "error", id: "filter-problem", role: "alert", hidden: "" });
    const described = "filter-accepts filter-problem";
    const first = kind === "boolean"
      ? element("select", { "aria-label": "Filter value" }, [element("option", { value: "true", text: "true" }), element("option", { value: "false", text: "false" })])
      : element("input", { type: "text", "aria-label": "Filter value", "aria-describedby": described, placeholder: kind === "date" ? "YYYY-MM-DD" : "" });
    const second = element("input", { type: "text", "aria-label": "Filter upper value", "aria-describedby": described, placeholder: kind === "date" ? "YYYY-MM-DD" : "" });
    const and = element("span", { text: "and" });
    const apply = element("button", { type: "submit", className: "button primary", text: "Apply filter" });
    const typed = () => kind !== "text" && !["contains", "starts", "empty", "nonempty"].includes(op.value);
    const show = () => {
      const needsValue = op.value !== "empty" && op.value !== "nonempty";
      first.hidden = !needsValue;
      second.hidden = and.hidden = op.value !== "between";
      accepts.hidden = !needsValue || kind === "boolean";
    };
    const clearProblem = () => {
      problem.hidden = true;
      first.removeAttribute("aria-invalid");
      second.removeAttribute("aria-invalid");
    };
    op.addEventListener("change", () => {
      show();
      clearProblem();
    });
    first.addEventListener("input", clearProblem);
    second.addEventListener("input", clearProblem);
    show();
    form.append(op, first, and, second, apply, accepts, problem);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (typed()) {
        const wrong = [first, second].find((field) => !field.hidden && field.value.trim() !== "" && !valueFits(type, field.value.trim()));
        if (wrong) {
          problem.textContent = `“${wrong.value.trim()}” is not one of the values this column holds: ${acceptedValues(type)}.`;
          problem.hidden = false;
          wrong.setAttribute("aria-invalid", "true");
          wrong.focus();
          return;
        }
      }
      let filters;
      if (op.value === "empty" || op.value === "nonempty") {
        filters = [`${column}:${op.value}`];
      } else if (op.value === "between") {
        filters = [
          ...(first.value.trim() ? [`${column}:ge:${first.value.trim()}`] : []),
          ...(second.value.trim() ? [`${column}:le:${second.value.trim()}`] : []),
        ];
      } else {
        filters = first.value.trim() || kind === "boolean" ? [`${column}:${op.value}:${kind === "boolean" ? first.value : first.value.trim()}`] : [];
      }
      if (filters.length === 0) {
        first.focus();
        return;
      }
      close();
      onFilter(filters);
    });
    return form;
  }

  function statsSection(column) {
    const section = element("section", { className: "menu-stats", "aria-label": "Column stats", "aria-busy": "true" }, [
      element("p", { className: "hint", text: "Counting…" }),
    ]);
    loadStats(column).then(
      (stats) => {
        section.setAttribute("aria-busy", "false");
        // Stats are of the whole column: said when a filter or find shows fewer rows.
        const scope = viewSelects()
          ? [element("p", { className: "hint scope", text: "Of the whole column (every row of the table), not only the rows the filters and find show." })]
          : [];
        section.replaceChildren(...scope, ...renderStats(stats));
      },
      (error) => {
        section.setAttribute("aria-busy", "false");
        section.replaceChildren(element("p", { className: "error", text: error.message }));
      },
    );
    return section;
  }

  return { open, close, reanchor, tableChanged };
}

function renderStats(stats) {
  const facts = [
    ["Values", formatCount(stats.count)],
    ["Empty", formatCount(stats.empty)],
    ["Distinct", `${stats.distinctIsEstimate ? "≈ " : ""}${formatCount(stats.distinct)}`],
    ["Min", stats.min ?? "—"],
    ["Max", stats.max ?? "—"],
    ...(stats.mean === null || stats.mean === undefined ? [] : [["Mean", Number(stats.mean).toLocaleString(undefined, { maximumFractionDigits: 4 })]]),
  ];
  const list = element("dl", { className: "facts" });
  for (const [term, value] of facts) {
    list.append(element("dt", { text: term }), element("dd", { text: value, dir: "auto" }));
  }
  const nodes = [list];
  if (stats.top.length > 0 && stats.top[0].count === 1) {
    // Ten values seen once each say nothing: say that no value repeats.
    nodes.push(element("p", { className: "hint all-distinct", text: stats.distinct === stats.count && !stats.distinctIsEstimate
      ? `All ${formatCount(stats.count)} values are distinct.`
      : "No value appears more than once." }));
  } else if (stats.top.length > 0) {
    const most = stats.top[0].count;
    const top = element("ol", { className: "top-values", "aria-label": "Top values" });
    for (const { value, count } of stats.top) {
      const bar = element("span", { className: "bar", "aria-hidden": "true" });
      bar.style.width = `${Math.max(2, (count / most) * 100)}%`;
      top.append(element("li", {}, [
        element("span", { className: "value", text: value === "" ? "(empty)" : value, dir: "auto", title: value }),
        element("span", { className: "bar-track" }, [bar]),
        element("span", { className: "count", text: formatCount(count) }),
      ]));
    }
    nodes.push(element("h3", { text: "Top values" }), top);
  }
  if (stats.histogram?.length) {
    nodes.push(element("h3", { text: "Histogram" }), histogram(stats.histogram));
  }
  return nodes;
}

/** Bars of the bins' counts, an inline SVG; each bar's <title> says its range and count. */
function histogram(bins) {
  const width = 240;
  const height = 64;
  const most = Math.max(...bins.map((b) => b.count), 1);
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "histogram");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Histogram from ${bins[0].from} to ${bins[bins.length - 1].to} in ${bins.length} bins`);
  const step = width / bins.length;
  bins.forEach((bin, i) => {
    const h = bin.count === 0 ? 0 : Math.max(1, (bin.count / most) * (height - 2));
    const rect = document.createElementNS(svgNs, "rect");
    rect.setAttribute("x", String(i * step + 1));
    rect.setAttribute("y", String(height - h));
    rect.setAttribute("width", String(Math.max(1, step - 2)));
    rect.setAttribute("height", String(h));
    const title = document.createElementNS(svgNs, "title");
    title.textContent = `${bin.from} – ${bin.to}: ${formatCount(bin.count)}`;
    rect.append(title);
    svg.append(rect);
  });
  return svg;
}

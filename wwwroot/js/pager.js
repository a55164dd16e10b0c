// The pager: first, previous, next and last page, the page size, "go to page", and the keyboard
// (PageUp/PageDown, and the arrows outside the table).

import { formatCount } from "./format.js";

const $ = (id) => document.getElementById(id);

/** Wires the pager; <goTo(page)> shows a page, <resize(pageSize)> changes the page size. */
export function createPager({ current, goTo, resize }) {
  $("first-page").addEventListener("click", () => goTo(1));
  $("previous-page").addEventListener("click", () => goTo(current().page - 1));
  $("next-page").addEventListener("click", () => goTo(current().page + 1));
  $("last-page").addEventListener("click", () => goTo(current().totalPages));
  $("page-size").addEventListener("change", () => resize(Number($("page-size").value)));
  $("jump").addEventListener("submit", (event) => {
    event.preventDefault();
    const wanted = Number.parseInt($("jump-page").value, 10);
    if (Number.isFinite(wanted)) {
      goTo(Math.min(Math.max(1, wanted), current().totalPages));
    }
  });
  document.addEventListener("keydown", (event) => {
    if ($("table-view").hidden || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) {
      return;
    }
    const { page, totalPages } = current();
    const inTable = event.target instanceof Element && event.target.closest(".table-scroll");
    if (event.key === "PageDown" || (event.key === "ArrowRight" && !inTable)) {
      event.preventDefault();
      if (page < totalPages) {
        goTo(page + 1);
      }
    } else if (event.key === "PageUp" || (event.key === "ArrowLeft" && !inTable)) {
      event.preventDefault();
      if (page > 1) {
        goTo(page - 1);
      }
    }
  });

  return {
    /** Shows where the viewer is; the buttons that lead nowhere are off. */
    show(page, totalPages, pageSize) {
      $("page-status").textContent = `Page ${formatCount(page)} of ${formatCount(totalPages)}`;
      $("first-page").disabled = $("previous-page").disabled = page <= 1;
      $("next-page").disabled = $("last-page").disabled = page >= totalPages;
      $("jump-page").max = String(totalPages);
      $("jump-page").value = String(page);
      $("page-size").value = String(pageSize);
    },
    showPageSize(pageSize) {
      $("page-size").value = String(pageSize);
    },
    /** Whether the keyboard is on the pager now (to keep it there once the page is shown). */
    hasFocus() {
      return document.activeElement?.closest?.(".pager-buttons, .jump") != null;
    },
    /** A disabled button cannot keep focus: move it to the nearest pager button that still works. */
    keepFocus() {
      const focused = document.activeElement;
      if (focused && focused !== document.body && !focused.disabled) {
        return;
      }
      const order = ["next-page", "last-page", "previous-page", "first-page"];
      const target = order.map($).find((button) => !button.disabled) ?? $("page-status");
      target.focus();
    },
  };
}

function isTyping(target) {
  return target instanceof Element && (target.closest("input, select, textarea, [contenteditable]") !== null);
}

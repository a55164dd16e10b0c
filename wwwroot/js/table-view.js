// The table page, /t/{id}: header, rows, pager, live replacement, viewers, sharing and replacing.

import { editKeyFor, takeEditKeyFromAddress } from "./edit-keys.js";
import { formatBytes, formatCount, plural } from "./format.js";
import { enableExpandingCells, renderGrid } from "./grid.js";
import { describeError } from "./hub.js";
import { createProgress } from "./progress.js";
import { upload } from "./uploader.js";

const $ = (id) => document.getElementById(id);
const pageSizeKey = "tsvlive.pageSize";
const pageSizes = [25, 50, 100, 500, 1000];

export function createTableView(hub, { onMissing }) {
  const connection = hub.connection;
  const state = { id: null, version: 0, complete: true, page: 1, pageSize: storedPageSize(), totalPages: 1, rowsOnPage: 0, editKey: null, request: 0 };
  let refreshTimer = null;
  let activeUpload = null;

  $("page-size").value = String(state.pageSize);
  enableExpandingCells($("grid"));

  connection.on("TableReplaced", (info) => {
    if (info.id !== state.id) {
      return;
    }
    showNotice(`Replaced with version ${info.version}`);
    showInfo(info);
    loadPage(state.page, { push: false });
  });
  connection.on("UploadProgress", (id, bytesReceived, rowCount) => {
    if (id !== state.id || activeUpload) {
      return;
    }
    if (!state.complete) {
      $("table-rows").textContent = `Uploading — ${plural(rowCount, "row", "rows")} so far`;
      scheduleRefresh();
    } else {
      showNotice(`A new version is arriving (${formatBytes(bytesReceived)} so far)…`);
    }
  });
  connection.on("ViewerCount", (id, count) => {
    if (id === state.id) {
      $("viewer-count").textContent = `${formatCount(count)} viewing`;
    }
  });

  $("first-page").addEventListener("click", () => loadPage(1));
  $("previous-page").addEventListener("click", () => loadPage(state.page - 1));
  $("next-page").addEventListener("click", () => loadPage(state.page + 1));
  $("last-page").addEventListener("click", () => loadPage(state.totalPages));
  $("page-size").addEventListener("change", () => {
    const firstRow = (state.page - 1) * state.pageSize;
    state.pageSize = Number($("page-size").value);
    try {
      localStorage.setItem(pageSizeKey, String(state.pageSize));
    } catch {
      // no storage: the choice lasts for this page
    }
    loadPage(Math.floor(firstRow / state.pageSize) + 1);
  });
  $("jump").addEventListener("submit", (event) => {
    event.preventDefault();
    const wanted = Number.parseInt($("jump-page").value, 10);
    if (Number.isFinite(wanted)) {
      loadPage(Math.min(Math.max(1, wanted), state.totalPages));
    }
  });
  document.addEventListener("keydown", (event) => {
    if ($("table-view").hidden || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) {
      return;
    }
    const inTable = event.target instanceof Element && event.target.closest(".table-scroll");
    if (event.key === "PageDown" || (event.key === "ArrowRight" && !inTable)) {
      event.preventDefault();
      loadPage(state.page + 1);
    } else if (event.key === "PageUp" || (event.key === "ArrowLeft" && !inTable)) {
      event.preventDefault();
      loadPage(state.page - 1);
    }
  });
  $("copy-view-link").addEventListener("click", () => copy(viewLink(), "View link copied"));
  $("copy-edit-link").addEventListener("click", () => copy(`${viewLink()}#key=${state.editKey}`, "Edit link copied"));
  $("replace-input").addEventListener("change", () => {
    const file = $("replace-input").files[0];
    $("replace-input").value = "";
    if (file) {
      replaceWith(file);
    }
  });

  async function open(id) {
    state.id = id;
    state.editKey = takeEditKeyFromAddress(id);
    state.page = pageFromAddress();
    usePageSizeFromAddress();
    $("notice").hidden = true;
    $("table-error").hidden = true;
    $("share").hidden = false;
    $("copy-edit-link").hidden = !state.editKey;
    $("replace").hidden = !state.editKey;
    $("table-view").hidden = false;
    await hub.ready();
    if (await watch()) {
      await loadPage(state.page, { push: false });
    }
  }

  /** Watches the table again after a reconnect and shows what changed while away. */
  async function resume() {
    if (!state.id || $("table-view").hidden) {
      return;
    }
    const before = state.version;
    if (await watch()) {
      if (state.version !== before && before !== 0) {
        showNotice(`Replaced with version ${state.version}`);
      }
      await loadPage(state.page, { push: false });
    }
  }

  async function watch() {
    try {
      showInfo(await connection.invoke("Watch", state.id));
      return true;
    } catch (error) {
      showFailure(error);
      return false;
    }
  }

  async function loadPage(page, { push = true } = {}) {
    if (!state.id) {
      return;
    }
    const wanted = Math.max(1, page);
    const request = ++state.request;
    try {
      let result = await connection.invoke("GetPage", state.id, wanted, state.pageSize);
      if (result.rows.length === 0 && result.page > result.totalPages) {
        // The page no longer exists (a shorter version): show the last one.
        result = await connection.invoke("GetPage", state.id, result.totalPages, state.pageSize);
      }
      if (request !== state.request) {
        return; // a newer request has been made meanwhile
      }
      showPage(result);
      const address = `${location.pathname}${query(result.page, state.pageSize)}`;
      if (push && address !== location.pathname + location.search) {
        history.pushState({ page: result.page }, "", address);
      } else if (!push) {
        history.replaceState({ page: result.page }, "", address);
      }
      $("table-error").hidden = true;
    } catch (error) {
      showFailure(error);
    }
  }

  /** A table that is gone gets the "does not exist" page; anything else is said next to the table. */
  function showFailure(error) {
    const { code, message } = describeError(error);
    if (code === "table-not-found") {
      onMissing();
    } else {
      showError(message);
    }
  }

  function showInfo(info) {
    state.version = info.version;
    state.complete = info.complete;
    document.title = `${info.name} — TsvLive`;
    $("table-name").textContent = info.name;
    $("table-version").textContent = `Version ${info.version}`;
    $("dialect-note").hidden = info.dialect !== "plain";
    $("table-rows").textContent = info.complete
      ? plural(info.rowCount, "row", "rows")
      : `Uploading — ${plural(info.rowCount, "row", "rows")} so far`;
  }

  function showPage(page) {
    state.page = page.page;
    state.totalPages = page.totalPages;
    state.rowsOnPage = page.rows.length;
    state.version = page.version;
    state.complete = page.complete;
    renderGrid($("grid"), page.columns, page.rows, (page.page - 1) * page.pageSize + 1);
    $("page-status").textContent = `Page ${formatCount(page.page)} of ${formatCount(page.totalPages)}`;
    $("table-version").textContent = `Version ${page.version}`;
    $("table-rows").textContent = page.complete
      ? plural(page.totalRows, "row", "rows")
      : `Uploading — ${plural(page.totalRows, "row", "rows")} so far`;
    $("first-page").disabled = $("previous-page").disabled = page.page <= 1;
    $("next-page").disabled = $("last-page").disabled = page.page >= page.totalPages;
    $("jump-page").max = String(page.totalPages);
  }

  /** A link with ?pageSize= opens with that page size (a copied link shows the same rows). */
  function usePageSizeFromAddress() {
    const size = Number(new URLSearchParams(location.search).get("pageSize") ?? state.pageSize);
    if (pageSizes.includes(size)) {
      state.pageSize = size;
      $("page-size").value = String(size);
    }
  }

  function scheduleRefresh() {
    // While a new table arrives, refill a page that is not full yet, a few times a second at most.
    if (refreshTimer || state.rowsOnPage >= state.pageSize) {
      return;
    }
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      loadPage(state.page, { push: false });
    }, 300);
  }

  function replaceWith(file) {
    $("replace-error").hidden = true;
    const progress = createProgress($("replace-progress"), "Replace progress", () => activeUpload?.cancel());
    activeUpload = upload(hub, file, { id: state.id, editKey: state.editKey ?? editKeyFor(state.id) }, (p) => progress.update(p));
    activeUpload.done
      .then((info) => {
        progress.remove();
        showNotice(`Replaced with version ${info.version}`);
      })
      .catch((error) => {
        progress.remove();
        const { code, message } = describeError(error);
        $("replace-error").textContent = code === "upload-cancelled"
          ? "Upload cancelled. The table was not changed."
          : `The file was not replaced: ${message}`;
        $("replace-error").hidden = false;
      })
      .finally(() => {
        activeUpload = null;
      });
  }

  function showNotice(text) {
    $("notice").textContent = text;
    $("notice").hidden = false;
  }

  function showError(text) {
    $("table-error").textContent = text;
    $("table-error").hidden = false;
  }

  async function copy(text, confirmation) {
    try {
      await navigator.clipboard.writeText(text);
      $("copied").textContent = confirmation;
    } catch {
      $("copied").textContent = `Copy this link: ${text}`;
    }
    setTimeout(() => {
      $("copied").textContent = "";
    }, 4000);
  }

  function viewLink() {
    return `${location.origin}/t/${state.id}`;
  }

  return {
    open,
    resume,
    pageChangedInAddress() {
      usePageSizeFromAddress();
      loadPage(pageFromAddress(), { push: false });
    },
    close() {
      if (state.id) {
        connection.invoke("Unwatch", state.id).catch(() => {});
      }
      state.id = null;
      $("table-view").hidden = true;
    },
    get id() {
      return state.id;
    },
  };
}

function storedPageSize() {
  try {
    const stored = Number(localStorage.getItem(pageSizeKey));
    return pageSizes.includes(stored) ? stored : 100;
  } catch {
    return 100;
  }
}

/** The address's query for a page: the page size only when it is not the default. */
function query(page, pageSize) {
  return pageSize === 100 ? `?page=${page}` : `?page=${page}&pageSize=${pageSize}`;
}

function pageFromAddress() {
  const page = Number.parseInt(new URLSearchParams(location.search).get("page") ?? "1", 10);
  return Number.isFinite(page) && page >= 1 ? page : 1;
}

function isTyping(target) {
  return target instanceof Element && (target.closest("input, select, textarea, [contenteditable]") !== null);
}

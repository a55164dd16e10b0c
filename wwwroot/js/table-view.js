// The table page, /t/{id}: header, rows, pager, live replacement, viewers, sharing and replacing.

import { editKeyFor, forgetEditKey, takeEditKeyFromAddress } from "./edit-keys.js";
import { capitalize, formatBytes, formatCount, plural } from "./format.js";
import { enableExpandingCells, renderGrid } from "./grid.js";
import { describeError } from "./hub.js";
import { createNotices } from "./notices.js";
import { createColumnMenu } from "./column-menu.js";
import { createProgress } from "./progress.js";
import { createRowsSource } from "./rows.js";
import { upload } from "./uploader.js";
import {
  addFilters, describeFilter, emptyView, fitView, followColumns, readView, removeFilter, sameView, setSort, sortOf, toggleSort, viewQuery,
} from "./view-state.js";

const $ = (id) => document.getElementById(id);
// A link means the same rows for everyone: a page size missing from the address is this one.
const defaultPageSize = 100;
const pageSizes = [25, 50, 100, 500, 1000];
// A view answered faster than this shows no "Sorting…" (no flicker); a slower one says it is at work.
const busyAfterMs = 400;
const findPauseMs = 300;

export function createTableView(hub, { onMissing }) {
  const connection = hub.connection;
  const source = createRowsSource(hub);
  const state = {
    id: null, name: "", version: 0, complete: true, page: 1, pageSize: defaultPageSize, totalPages: 1, rowsOnPage: 0, editKey: null, request: 0,
    view: emptyView, columns: [], columnTypes: [], watching: false, keyChecked: false,
  };
  const columnMenu = createColumnMenu($("column-menu"), {
    onSort: (column, direction) => changeView(setSort(state.view, column, direction), "Sorting…"),
    onFilter: (filters) => changeView(addFilters(state.view, filters), "Filtering…"),
    loadStats: (column) => source.stats(state.id, column).catch((error) => {
      throw new Error(describeError(error).message);
    }),
    viewSelects: () => state.view.filter.length > 0 || state.view.q !== "",
  });
  // While the viewer types in the find box, the address's history entry is replaced, not added to.
  let typingFind = false;
  let findTimer = null;
  let arrivalTimer = null;
  let busyTimer = null;
  const notices = createNotices($("notice"));
  let refreshTimer = null;
  let activeUpload = null;
  // A replacement this page cancelled, whose progress the server may still report until it hears of
  // the cancel: not "a new version arriving".
  let ownUploadEnding = false;

  enableExpandingCells($("grid"));

  connection.on("TableReplaced", (info) => {
    // An older or repeated notice (with several instances, two replacements can be told in either order) changes nothing.
    if (info.id !== state.id || info.version <= state.version) {
      return;
    }
    ownUploadEnding = false;
    showReplacement(info);
  });
  connection.on("UploadProgress", (id, bytesReceived, rowCount) => {
    if (id !== state.id || activeUpload || ownUploadEnding) {
      return;
    }
    if (!state.complete) {
      $("table-rows").textContent = `Uploading — ${plural(rowCount, "row", "rows")} so far`;
      scheduleRefresh();
    } else {
      notices.show(`A new version is arriving (${formatBytes(bytesReceived)} so far)…`, { lasting: true, key: "arriving" });
    }
  });
  connection.on("ReplacementAbandoned", (id) => {
    if (id === state.id && !activeUpload) {
      ownUploadEnding = false;
      notices.clearIf("arriving");
    }
  });
  connection.on("ViewerCount", (id, count) => {
    if (id === state.id) {
      $("viewer-count").textContent = `${formatCount(count)} viewing`;
    }
  });

  $("find").addEventListener("input", () => {
    clearTimeout(findTimer);
    findTimer = setTimeout(() => {
      const q = $("find").value.trim();
      if (q !== state.view.q) {
        changeView({ ...state.view, q }, "Finding…", { push: !typingFind, keepFind: true });
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
      changeView(removeFilter(state.view, chip.dataset.filter), "Filtering…");
      $("find").focus();
    }
  });
  $("grid").addEventListener("click", (event) => {
    if (event.target.closest("#clear-view")) {
      changeView(emptyView, "Loading…");
      $("find").focus();
    }
  });

  $("first-page").addEventListener("click", () => loadPage(1));
  $("previous-page").addEventListener("click", () => loadPage(state.page - 1));
  $("next-page").addEventListener("click", () => loadPage(state.page + 1));
  $("last-page").addEventListener("click", () => loadPage(state.totalPages));
  $("page-size").addEventListener("change", () => {
    const firstRow = (state.page - 1) * state.pageSize;
    state.pageSize = Number($("page-size").value);
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
      if (state.page < state.totalPages) {
        loadPage(state.page + 1);
      }
    } else if (event.key === "PageUp" || (event.key === "ArrowLeft" && !inTable)) {
      event.preventDefault();
      if (state.page > 1) {
        loadPage(state.page - 1);
      }
    }
  });
  $("copy-view-link").addEventListener("click", () => copy(viewLink(), "View link copied"));
  $("copy-table-link").addEventListener("click", () => copy(tableLink(), "Table link copied"));
  $("copy-edit-link").addEventListener("click", () => copy(`${tableLink()}#key=${state.editKey}`, "Edit link copied"));
  $("replace-input").addEventListener("change", () => {
    const file = $("replace-input").files[0];
    $("replace-input").value = "";
    if (file) {
      replaceWith(file);
    }
  });

  async function open(id) {
    state.id = id;
    state.version = 0;
    state.watching = false;
    state.keyChecked = false;
    state.editKey = takeEditKeyFromAddress(id);
    readAddress();
    notices.clear();
    $("table-error").hidden = true;
    $("share").hidden = false;
    showEditing();
    $("table-view").hidden = false;
    if (await hub.settled()) {
      if (state.id === id && await watch()) {
        await Promise.all([loadPage(state.page, { push: false }), verifyEditKey()]);
      }
      return;
    }
    // Not live (yet): the table over plain HTTP meanwhile; once connected, resume() watches it.
    if (state.id === id) {
      await openOverHttp();
    }
  }

  async function openOverHttp() {
    try {
      showInfo(await source.info(state.id));
      fitViewToTable();
      await loadPage(state.page, { push: false });
    } catch (error) {
      showFailure(error);
    }
  }

  /** Watches the table again after a reconnect (or the first connection after reading over HTTP) and shows what changed while away. */
  async function resume() {
    if (!state.id || $("table-view").hidden) {
      return;
    }
    const before = { version: state.version, columns: state.columns, types: state.columnTypes };
    if (await watch({ lostIfMissing: before.version !== 0 })) {
      const replaced = state.version !== before.version && before.version !== 0;
      const notes = replaced ? followView(before) : [];
      await Promise.all([loadPage(state.page, { push: false, replacedWith: replaced ? state.version : null, notes }), verifyEditKey()]);
    }
  }

  /** The connection's state changed: a refusal is explained next to the table (which is read over HTTP meanwhile). */
  function connectionChanged(connectionState, refusal) {
    if (connectionState === "refused" && state.id && refusal) {
      notices.show(refusal.message, { lasting: true, key: "refused" });
    } else if (connectionState === "connected") {
      notices.clearIf("refused");
    }
  }

  async function watch({ lostIfMissing = false } = {}) {
    try {
      const info = await connection.invoke("Watch", state.id);
      state.watching = true;
      showInfo(info);
      fitViewToTable();
      return true;
    } catch (error) {
      if (describeError(error).code === "table-arriving") {
        waitForArrival(state.id, describeError(error).message);
      } else {
        showFailure(error, { lost: lostIfMissing });
      }
      return false;
    }
  }

  /** A table still being uploaded (through another server) opens by itself once it has arrived. */
  function waitForArrival(id, message) {
    showError(message);
    clearTimeout(arrivalTimer);
    arrivalTimer = setTimeout(async () => {
      if (state.id === id && await watch()) {
        $("table-error").hidden = true;
        await Promise.all([loadPage(state.page, { push: false }), verifyEditKey()]);
      }
    }, 2000);
  }

  /** An edit link whose key the server refuses offers no replacing, and its key is not kept. */
  async function verifyEditKey() {
    if (!state.editKey || state.keyChecked || !source.live) {
      return;
    }
    try {
      await connection.invoke("VerifyEditKey", state.id, state.editKey);
      state.keyChecked = true;
    } catch (error) {
      const { code, message } = describeError(error);
      if (code === "edit-key-rejected") {
        forgetEditKey(state.id);
        state.editKey = null;
        showEditing();
        notices.show("This edit link's key does not match this table, so you can view it but not replace it. " +
          "Ask the person who uploaded it for the edit link again.", { kind: "error" });
      } else {
        notices.show(message, { kind: "error" });
      }
    }
  }

  function showEditing() {
    $("copy-edit-link").hidden = !state.editKey;
    $("replace").hidden = !state.editKey;
  }

  /** A new version: the view follows its columns (and says what it could not keep), then the page is read again. */
  function showReplacement(info) {
    const before = { columns: state.columns, types: state.columnTypes };
    showInfo(info);
    const notes = followView(before);
    columnMenu.tableChanged(state.columns, state.columnTypes);
    loadPage(state.page, { push: false, replacedWith: info.version, notes });
  }

  /** Moves the view to the new version's columns; the sentences say what changed. */
  function followView(before) {
    const followed = followColumns(state.view, before, { columns: state.columns, types: state.columnTypes });
    state.view = followed.view;
    return [...followed.notes, ...fitViewToTable({ announce: false })];
  }

  /**
   * Leaves out of the view whatever this table cannot use (a column it does not have, a malformed
   * part, a value its column cannot hold), and says so unless the caller does.
   */
  function fitViewToTable({ announce = true } = {}) {
    const fitted = fitView(state.view, state.columns, state.columnTypes);
    const notes = fitted.dropped.map((part) => `${capitalize(part)} was left out: it does not fit this table.`);
    state.view = fitted.view;
    $("find").value = state.view.q;
    if (announce && notes.length > 0) {
      notices.show(notes.join(" "), { lasting: true, key: "view-fitted" });
    }
    return notes;
  }

  /**
   * Shows a page. push: a new history entry (a step the user took); replacedWith: the version a
   * replacement just brought, said in the notice with the notes on the view; busyText: what the
   * page says (after a moment) while the server computes a view.
   */
  async function loadPage(page, { push = true, replacedWith = null, notes = [], busyText = null } = {}) {
    if (!state.id) {
      return;
    }
    const request = ++state.request;
    const wanted = Math.max(1, page);
    const focusWasOnPager = document.activeElement?.closest?.(".pager-buttons, .jump") != null;
    showBusy(busyText, request);
    try {
      const rows = (number) => source.rows(state.id, {
        page: number, pageSize: state.pageSize, sort: state.view.sort, filter: state.view.filter, q: state.view.q || null,
      });
      let result = await rows(wanted);
      if (result.rows.length === 0 && result.page > result.totalPages) {
        // The page no longer exists (a shorter version, a smaller view): show the last one.
        result = await rows(result.totalPages);
      }
      if (request !== state.request) {
        return; // a newer request has been made meanwhile
      }
      const moved = result.page !== wanted;
      showPage(result);
      const said = [];
      if (replacedWith !== null) {
        said.push(moved
          ? `Replaced with version ${replacedWith} — it has ${plural(result.totalPages, "page", "pages")}, so you are on the last one`
          : `Replaced with version ${replacedWith}`);
      } else if (moved) {
        said.push(`There is no page ${formatCount(wanted)} any more; this is the last page, ${formatCount(result.page)}.`);
      }
      if (notes.length > 0) {
        // Notes on the view stay until dismissed: they say why the rows are not what the viewer chose.
        const sentences = [...said, ...notes].map((text) => capitalize(/[.!?]$/.test(text) ? text : `${text}.`));
        notices.show(sentences.join(" "), { lasting: true });
      } else if (said.length > 0) {
        notices.show(said[0]);
      }
      // A move the user did not ask for gets its own history entry, so Back returns to where they were.
      writeAddress(result.page, push || moved);
      $("table-error").hidden = true;
      if (focusWasOnPager) {
        keepFocusOnPager();
      }
    } catch (error) {
      if (request !== state.request || describeError(error).code === "superseded") {
        return;
      }
      if (describeError(error).code === "invalid-page-request" && /^(sort|filter|q):/.test(describeError(error).message)) {
        dropRefusedViewPart(describeError(error).message);
        return;
      }
      showFailure(error);
    } finally {
      if (request === state.request) {
        showBusy(null, request);
      }
    }
  }

  /**
   * The server refused a part of the view that the page could not check itself: that part (all the
   * sort keys, filters or the text to find) is left out, the viewer is told, and the rows are shown.
   */
  function dropRefusedViewPart(message) {
    const part = message.slice(0, message.indexOf(":"));
    state.view = { ...state.view, [part]: part === "q" ? "" : [] };
    $("find").value = state.view.q;
    const what = { sort: "The sort", filter: "The filters", q: "The text to find" }[part];
    loadPage(1, { push: false, notes: [`${what} could not be used and ${part === "filter" ? "were" : "was"} removed: ${message.slice(part.length + 2)}`] });
  }

  /** Says the view is being computed: at once for screen readers (aria-busy), in words only when it takes a while. */
  function showBusy(text, request) {
    clearTimeout(busyTimer);
    const region = $("table-region");
    if (!text) {
      region.removeAttribute("aria-busy");
      $("view-busy").hidden = true;
      return;
    }
    region.setAttribute("aria-busy", "true");
    busyTimer = setTimeout(() => {
      if (state.request === request) {
        $("view-busy").textContent = text;
        $("view-busy").hidden = false;
      }
    }, busyAfterMs);
  }

  /** A new view (sort, filter, find) starts on its first page, as a step Back undoes. */
  function changeView(view, busyText, { push = true, keepFind = false } = {}) {
    if (sameView(view, state.view)) {
      return;
    }
    if (!keepFind) {
      typingFind = false;
    }
    state.view = view;
    state.page = 1;
    $("find").value = view.q;
    loadPage(1, { push, busyText });
  }

  function writeAddress(page, push) {
    const address = `${location.pathname}${query(page, state.pageSize, state.view)}`;
    const entry = { page, pageSize: state.pageSize };
    if (push && address !== location.pathname + location.search) {
      history.pushState(entry, "", address);
    } else {
      history.replaceState(entry, "", address);
    }
  }

  /** A disabled button cannot keep focus: move it to the nearest pager button that still works. */
  function keepFocusOnPager() {
    const focused = document.activeElement;
    if (focused && focused !== document.body && !focused.disabled) {
      return;
    }
    const order = ["next-page", "last-page", "previous-page", "first-page"];
    const target = order.map($).find((button) => !button.disabled) ?? $("page-status");
    target.focus();
  }

  /** A table that is gone gets the "does not exist" page; anything else is said next to the pager. */
  function showFailure(error, { lost = false } = {}) {
    const { code, message } = describeError(error);
    if (code === "table-not-found") {
      onMissing({ lost });
    } else if (state.version === 0) {
      showError(message);
    } else {
      showError(`${message} Still showing page ${formatCount(state.page)}.`);
    }
  }

  function showInfo(info) {
    state.version = info.version;
    state.complete = info.complete;
    state.name = info.name;
    state.columns = info.columns;
    state.columnTypes = info.columnTypes ?? [];
    document.title = `${info.name} — TsvLive`;
    $("table-name").textContent = info.name;
    $("grid").setAttribute("aria-label", info.name);
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
    state.columns = page.columns;
    // The header control that had focus gets it back once the header is drawn anew (keyboard sorting).
    const focused = document.activeElement?.closest?.("#grid thead button[data-column]");
    const refocus = focused ? { column: focused.dataset.column, kind: focused.className } : null;
    renderGrid($("grid"), {
      columns: page.columns, rows: page.rows, rowNumbers: page.rowNumbers, header: headerCell, find: state.view.q,
      truncated: page.truncated ?? [], cellLink: (row, column) => `/api/tables/${encodeURIComponent(state.id)}/cells/${row}/${column}`,
      empty: emptyMessage(),
    });
    if (refocus) {
      $("grid").querySelector(`thead button.${refocus.kind.split(" ")[0]}[data-column="${refocus.column}"]`)?.focus();
    }
    columnMenu.reanchor((column) => $("grid").querySelector(`thead button.menu[data-column="${column}"]`));
    showView(page);
    $("page-status").textContent = `Page ${formatCount(page.page)} of ${formatCount(page.totalPages)}`;
    $("table-version").textContent = `Version ${page.version}`;
    $("table-rows").textContent = page.complete
      ? plural(page.tableRows, "row", "rows")
      : `Uploading — ${plural(page.tableRows, "row", "rows")} so far`;
    $("first-page").disabled = $("previous-page").disabled = page.page <= 1;
    $("next-page").disabled = $("last-page").disabled = page.page >= page.totalPages;
    $("jump-page").max = String(page.totalPages);
    $("jump-page").value = String(page.page);
    $("page-size").value = String(state.pageSize);
  }

  /** What an empty page says: with a view, that nothing matches, and a way out. */
  function emptyMessage() {
    const selects = state.view.filter.length > 0 || state.view.q !== "";
    return selects
      ? { text: state.view.q ? `No rows contain “${state.view.q}”${state.view.filter.length ? " and pass the filters" : ""}.` : "No rows pass the filters.", clear: "Clear find and filters" }
      : { text: "No rows.", clear: null };
  }

  /** A header cell: a button that sorts by the column (Shift adds it as a further key), and the column's menu. */
  function headerCell(th, name, index) {
    const column = index + 1;
    const { direction, index: key } = sortOf(state.view, column);
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
    if (direction !== "none" && state.view.sort.length > 1) {
      sort.dataset.key = String(key + 1);
      sort.setAttribute("aria-description", `Sort key ${key + 1} of ${state.view.sort.length}, ${direction}`);
    }
    sort.addEventListener("click", (event) => changeView(toggleSort(state.view, column, event.shiftKey), "Sorting…"));
    const menu = document.createElement("button");
    menu.type = "button";
    menu.className = "menu";
    menu.dataset.column = String(column);
    menu.setAttribute("aria-label", `Column menu: ${name}`);
    menu.setAttribute("aria-haspopup", "dialog");
    menu.setAttribute("aria-expanded", "false");
    menu.addEventListener("click", () => columnMenu.open(menu, { column, name, type: state.columnTypes[index] ?? "text", direction }));
    th.append(sort, menu);
  }

  /** The active filters as chips that remove themselves, and how many rows the view holds. */
  function showView(page) {
    const chips = state.view.filter.map((filter) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "chip";
      button.dataset.filter = filter;
      const words = describeFilter(filter, state.columns);
      button.setAttribute("aria-label", `Remove filter: ${words}`);
      button.append(document.createTextNode(words), Object.assign(document.createElement("span"), { textContent: "×", ariaHidden: "true" }));
      const item = document.createElement("li");
      item.append(button);
      return item;
    });
    $("filters").replaceChildren(...chips);
    $("filters").hidden = chips.length === 0;
    const selects = state.view.filter.length > 0 || state.view.q !== "";
    $("view-status").textContent = selects ? `${plural(page.totalRows, "row matches", "rows match")} of ${formatCount(page.tableRows)}` : "";
    $("copy-table-link").hidden = !hasView(state.page);
  }

  /** The page, page size and view the address asks for: a link without a size means the default. */
  function readAddress() {
    const parameters = new URLSearchParams(location.search);
    state.view = readView(parameters);
    $("find").value = state.view.q;
    const page = Number.parseInt(parameters.get("page") ?? "1", 10);
    const size = Number(parameters.get("pageSize") ?? defaultPageSize);
    state.page = Number.isFinite(page) && page >= 1 ? page : 1;
    state.pageSize = pageSizes.includes(size) ? size : defaultPageSize;
    $("page-size").value = String(state.pageSize);
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

  /** One replacement at a time: the control is off while one runs (the server refuses a second too). */
  function replaceWith(file) {
    if (activeUpload) {
      return;
    }
    notices.clear();
    setReplacing(true);
    const progress = createProgress($("replace-progress"), "Replace progress", () => activeUpload?.cancel(), file.name);
    activeUpload = upload(hub, file, { id: state.id, editKey: state.editKey ?? editKeyFor(state.id) }, (p) => progress.update(p));
    activeUpload.done
      .then((info) => {
        progress.remove();
        notices.show(`Replaced with version ${info.version}`);
      })
      .catch((error) => {
        progress.remove();
        const { code, message } = describeError(error);
        ownUploadEnding = code === "upload-cancelled";
        notices.show(code === "upload-cancelled"
          ? "Upload cancelled. The table was not changed."
          : `The file was not replaced: ${message}`, { kind: code === "upload-cancelled" ? "info" : "error" });
      })
      .finally(() => {
        activeUpload = null;
        setReplacing(false);
      });
  }

  function setReplacing(running) {
    $("replace-input").disabled = running;
    $("replace-label").setAttribute("aria-disabled", String(running));
    $("replace-hint").textContent = running
      ? "Replacing… Cancel this upload to pick another file."
      : "Everyone viewing sees the new version at once.";
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

  function tableLink() {
    return `${location.origin}/t/${state.id}`;
  }

  /** Whether the page shows more than the table's first page as it comes: a view, another page, another page size. */
  function hasView(page) {
    return state.view.sort.length > 0 || state.view.filter.length > 0 || state.view.q !== "" || page !== 1 || state.pageSize !== defaultPageSize;
  }

  /** The link to what is on screen: the view, page and page size (the plain table link when there is none). */
  function viewLink() {
    return hasView(state.page) ? `${tableLink()}${query(state.page, state.pageSize, state.view)}` : tableLink();
  }

  return {
    open,
    resume,
    connectionChanged,
    pageChangedInAddress() {
      readAddress();
      fitViewToTable();
      loadPage(state.page, { push: false });
    },
    close() {
      columnMenu.close({ restoreFocus: false });
      if (state.id && state.watching) {
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

/** The address's query for a page of a view: the page size only when it is not the default. */
function query(page, pageSize, view) {
  return `?${[...viewQuery(view), `page=${page}`, ...(pageSize === defaultPageSize ? [] : [`pageSize=${pageSize}`])].join("&")}`;
}

function isTyping(target) {
  return target instanceof Element && (target.closest("input, select, textarea, [contenteditable]") !== null);
}

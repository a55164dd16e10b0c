// The table page, /t/{id}: opens a table (live, or over HTTP until the hub connects), shows its pages
// and views, follows replacements, and keeps the address in step. The parts on screen have modules of
// their own: the pager, the view bar, the header cells, the share panel, the address, the version
// menu (an older version, read-only) and what changed.

import { createChanges } from "./changes.js";
import { createTableDeleting } from "./delete-table.js";
import { createDownloadMenu } from "./download-menu.js";
import { editKeyFor, forgetEditKey, takeEditKeyFromAddress } from "./edit-keys.js";
import { capitalize, formatBytes, formatCount, plural, rowsText } from "./format.js";
import { enableExpandingCells, renderGrid } from "./grid.js";
import { fillHeaderCell } from "./header-cells.js";
import { describeError } from "./hub.js";
import { createLiveRows } from "./live-rows.js";
import { createNotices } from "./notices.js";
import { createColumnMenu } from "./column-menu.js";
import { createPager } from "./pager.js";
import { createPresenting } from "./presenting.js";
import { createReadAs } from "./read-as.js";
import { createRowsSource } from "./rows.js";
import { createSharePanel } from "./share-panel.js";
import { defaultPageSize, hasView, readAddress, tableLink, viewLink, writeAddress } from "./table-address.js";
import { listenToTable } from "./table-events.js";
import { createVersions } from "./versions.js";
import { createViewBar, emptyMessage, selects } from "./view-bar.js";
import { addFilters, emptyView, fitView, followColumns, sameView, setSort, toggleSort } from "./view-state.js";

const $ = (id) => document.getElementById(id);
// How long a table still arriving waits before it is asked for again.
const arrivalRetryMs = 2000;
// While a new table arrives, a page that is not full yet is refilled at most this often.
const refillMs = 300;

export function createTableView(hub, { onMissing }) {
  const connection = hub.connection;
  const source = createRowsSource(hub);
  const state = {
    id: null, name: "", version: 0, complete: true, page: 1, pageSize: defaultPageSize, totalPages: 1, rowsOnPage: 0, editKey: null, request: 0,
    view: emptyView, columns: [], columnTypes: [], watching: false, keyChecked: false,
    // The older version on screen (null: the latest, state.version), and the last page drawn (drawn again with marks).
    viewing: null, shown: null,
  };
  const notices = createNotices($("notice"));
  const columnMenu = createColumnMenu($("column-menu"), {
    onSort: (column, direction) => changeView(setSort(state.view, column, direction), "Sorting…"),
    onFilter: (filters) => changeView(addFilters(state.view, filters), "Filtering…"),
    loadStats: (column) => source.stats(state.id, column).catch((error) => {
      throw new Error(describeError(error).message);
    }),
    viewSelects: () => selects(state.view),
  });
  const pager = createPager({
    current: () => state,
    goTo: (page) => {
      if (presenting.mayMoveOnItsOwn()) {
        liveRows.moved(page, state.totalPages);
        loadPage(page);
      }
    },
    resize: (pageSize) => {
      if (!presenting.mayMoveOnItsOwn()) {
        pager.showPageSize(state.pageSize);
        return;
      }
      const firstRow = (state.page - 1) * state.pageSize;
      state.pageSize = pageSize;
      loadPage(Math.floor(firstRow / state.pageSize) + 1);
    },
  });
  const viewBar = createViewBar({ view: () => state.view, change: changeView });
  const share = createSharePanel(hub, notices, () => ({
    id: state.id,
    editKey: state.editKey,
    tableLink: tableLink(state.id),
    viewLink: viewLink(state.id, state.page, state.pageSize, state.view),
  }));
  const readAs = createReadAs(notices, () => ({ id: state.id, editKey: state.editKey ?? editKeyFor(state.id) }));
  const downloads = createDownloadMenu();
  const versions = createVersions(source, notices, { table: () => ({ id: state.id }), choose: openVersion });
  const changes = createChanges(source, notices, { table: () => ({ id: state.id }), redraw: () => state.shown && showPage(state.shown) });
  const presenting = createPresenting(hub, notices, {
    table: () => ({ id: state.id, page: state.page, pageSize: state.pageSize, view: state.view }),
    moveTo(position) {
      state.view = position.view;
      state.pageSize = position.pageSize;
      pager.showPageSize(state.pageSize);
      viewBar.showFind(state.view.q);
      loadPage(position.page, { push: false });
    },
  });
  createTableDeleting(hub, notices, {
    table: () => ({ id: state.id, editKey: state.editKey ?? editKeyFor(state.id), name: state.name }),
    deleted: () => gone("deleted-here"),
  });
  const liveRows = createLiveRows({
    current: () => ({ ...state, hasView: state.view.sort.length > 0 || state.view.filter.length > 0 || state.view.q !== "" }),
    reload: (page) => state.viewing === null && loadPage(page, { push: false, quiet: true }),
    counts(info) {
      state.columns = info.columns;
      state.columnTypes = info.columnTypes ?? state.columnTypes;
      state.appended = { version: info.version, rows: info.rowCount };
      $("table-rows").textContent = rowsText(info.rowCount, info.complete);
      if (state.view.sort.length === 0 && state.view.filter.length === 0 && state.view.q === "") {
        // Without a view the page count follows from the rows (with one, the next read says it).
        state.totalPages = Math.max(1, Math.ceil(info.rowCount / state.pageSize));
        pager.show(state.page, state.totalPages, state.pageSize);
      }
    },
  });
  let arrivalTimer = null;
  let refillTimer = null;

  enableExpandingCells($("grid"));

  listenToTable(connection, () => state.id, {
    replaced(info) {
      // An older or repeated notice (with several instances, two replacements can be told in either order) changes nothing.
      if (info.version <= state.version) {
        return;
      }
      share.replacementEnded();
      if (state.viewing !== null) {
        // Reading an older version: it stays on screen; the menu and the mark count the new one.
        state.version = info.version;
        versions.show(state.version, state.viewing);
        notices.show(`Version ${formatCount(info.version)} has arrived; you are still viewing version ${formatCount(state.viewing)}.`);
        return;
      }
      showReplacement(info);
    },
    progress(bytesReceived, rowCount) {
      if (share.replacingHere) {
        return;
      }
      if (!state.complete) {
        $("table-rows").textContent = rowsText(rowCount, false);
        scheduleRefill();
      } else {
        notices.show(`A new version is arriving (${formatBytes(bytesReceived)} so far)…`, { lasting: true, key: "arriving" });
      }
    },
    abandoned() {
      if (!share.uploading) {
        share.replacementEnded();
        notices.clearIf("arriving");
      }
    },
    viewers(count) {
      $("viewer-count").textContent = `${formatCount(count)} viewing`;
    },
    deleted: () => gone("deleted"),
    appended(info) {
      // Rows appended to the version on screen (an older version shown read-only stays as it is).
      if (info.version === state.version && state.viewing === null) {
        liveRows.appended(info);
      }
    },
  });

  /** The table was deleted (by its owner elsewhere, or here): no stale rows stay, and its edit key is forgotten. */
  function gone(reason) {
    forgetEditKey(state.id);
    onMissing({ reason });
  }

  async function open(id) {
    state.id = id;
    state.version = 0;
    state.watching = false;
    state.keyChecked = false;
    state.editKey = takeEditKeyFromAddress(id);
    // A follow link (?follow={presenterId}): read before the first page rewrites the address.
    const presenterId = new URLSearchParams(location.search).get("follow");
    showAddress();
    notices.clear();
    $("table-error").hidden = true;
    $("share").hidden = false;
    share.showEditing(state.editKey);
    $("table-view").hidden = false;
    if (await hub.settled()) {
      if (state.id === id && await watch()) {
        await Promise.all([loadPage(state.page, { push: false }), verifyEditKey()]);
        if (presenterId) {
          await presenting.follow(presenterId);
        }
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
      const replaced = state.version !== before.version && before.version !== 0 && state.viewing === null;
      const notes = replaced ? followView(before) : [];
      await Promise.all([
        loadPage(state.page, { push: false, replacedWith: replaced ? state.version : null, replacedFrom: before.version, notes }),
        verifyEditKey(),
      ]);
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
    }, arrivalRetryMs);
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
        share.showEditing(null);
        notices.show("This edit link's key does not match this table, so you can view it but not replace it. " +
          "Ask the person who uploaded it for the edit link again.", { kind: "error" });
      } else {
        notices.show(message, { kind: "error" });
      }
    }
  }

  /** A new version: the view follows its columns (and says what it could not keep), then the page is read again. */
  function showReplacement(info) {
    const before = { version: state.version, columns: state.columns, types: state.columnTypes };
    showInfo(info);
    const notes = followView(before);
    columnMenu.tableChanged(state.columns, state.columnTypes);
    changes.close();
    loadPage(state.page, { push: false, replacedWith: info.version, replacedFrom: before.version, notes });
  }

  /** Opens a kept version (null: the latest); an older one is read-only, and its place in the address. */
  function openVersion(version) {
    if (version === state.viewing || !presenting.mayMoveOnItsOwn()) {
      versions.show(state.version, state.viewing);
      return;
    }
    state.viewing = version;
    changes.close();
    loadPage(state.page, { push: true });
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
    viewBar.showFind(state.view.q);
    if (announce && notes.length > 0) {
      notices.show(notes.join(" "), { lasting: true, key: "view-fitted" });
    }
    return notes;
  }

  /**
   * Shows a page. push: a new history entry (a step the user took); replacedWith: the version a
   * replacement just brought (replacedFrom: the one shown before), said in the notice with the notes
   * on the view and an offer to show what changed; busyText: what the page says (after a moment)
   * while the server computes a view; quiet: nothing is said (rows arriving, read again).
   */
  async function loadPage(page, { push = true, replacedWith = null, replacedFrom = null, notes = [], busyText = null, quiet = false } = {}) {
    if (!state.id) {
      return;
    }
    const request = ++state.request;
    const wanted = Math.max(1, page);
    const focusWasOnPager = pager.hasFocus();
    viewBar.busy(busyText, () => state.request === request);
    try {
      const rows = (number) => source.rows(state.id, {
        page: number, pageSize: state.pageSize, sort: state.view.sort, filter: state.view.filter, q: state.view.q || null, version: state.viewing,
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
      if (!quiet) {
        sayWhatChanged(result, { wanted, moved, replacedWith, replacedFrom, notes });
      }
      // A move the user did not ask for gets its own history entry, so Back returns to where they were.
      writeAddress(result.page, state.pageSize, state.view, push || moved, state.viewing);
      $("table-error").hidden = true;
      if (focusWasOnPager) {
        pager.keepFocus();
      }
    } catch (error) {
      if (request !== state.request || describeError(error).code === "superseded") {
        return;
      }
      if (describeError(error).code === "version-not-found" && state.viewing !== null) {
        // A link to a version no longer kept: the latest instead, and why.
        state.viewing = null;
        notices.show(`${describeError(error).message} Showing the latest version.`, { lasting: true });
        loadPage(1, { push: false });
        return;
      }
      if (describeError(error).code === "invalid-page-request" && /^(sort|filter|q):/.test(describeError(error).message)) {
        dropRefusedViewPart(describeError(error).message);
        return;
      }
      showFailure(error);
    } finally {
      if (request === state.request) {
        viewBar.busy(null);
      }
    }
  }

  /** The notice after a page: a replacement, a page that no longer exists, and the notes on the view. */
  function sayWhatChanged(result, { wanted, moved, replacedWith, replacedFrom, notes }) {
    const said = [];
    if (replacedWith !== null) {
      said.push(moved
        ? `${readAs.describeReplacement(replacedWith)} — it has ${plural(result.totalPages, "page", "pages")}, so you are on the last one`
        : readAs.describeReplacement(replacedWith));
    } else if (moved) {
      said.push(`There is no page ${formatCount(wanted)} any more; this is the last page, ${formatCount(result.page)}.`);
    }
    const action = replacedWith !== null && replacedFrom > 0
      ? { label: "What changed", run: () => changes.open(replacedFrom, replacedWith) }
      : null;
    if (notes.length > 0) {
      // Notes on the view stay until dismissed: they say why the rows are not what the viewer chose.
      const sentences = [...said, ...notes].map((text) => capitalize(/[.!?]$/.test(text) ? text : `${text}.`));
      notices.show(sentences.join(" "), { lasting: true, action });
    } else if (said.length > 0) {
      notices.show(said[0], { action });
    }
  }

  /**
   * The server refused a part of the view that the page could not check itself: that part (all the
   * sort keys, filters or the text to find) is left out, the viewer is told, and the rows are shown.
   */
  function dropRefusedViewPart(message) {
    const part = message.slice(0, message.indexOf(":"));
    state.view = { ...state.view, [part]: part === "q" ? "" : [] };
    viewBar.showFind(state.view.q);
    const what = { sort: "The sort", filter: "The filters", q: "The text to find" }[part];
    loadPage(1, { push: false, notes: [`${what} could not be used and ${part === "filter" ? "were" : "was"} removed: ${message.slice(part.length + 2)}`] });
  }

  /** A new view (sort, filter, find) starts on its first page, as a step Back undoes. */
  function changeView(view, busyText, { push = true, keepFind = false } = {}) {
    if (sameView(view, state.view) || !presenting.mayMoveOnItsOwn()) {
      return;
    }
    if (!keepFind) {
      viewBar.endTyping();
    }
    state.view = view;
    state.page = 1;
    viewBar.showFind(view.q);
    loadPage(1, { push, busyText });
  }

  /** A table that is gone gets the "does not exist" page; anything else is said next to the pager. */
  function showFailure(error, { lost = false } = {}) {
    const { code, message } = describeError(error);
    if (code === "table-not-found") {
      onMissing({ reason: lost ? "lost" : null });
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
    readAs.show(info);
    $("table-rows").textContent = rowsText(info.rowCount, info.complete);
  }

  function showPage(page) {
    state.shown = page;
    state.page = page.page;
    state.totalPages = page.totalPages;
    state.rowsOnPage = page.rows.length;
    if (state.viewing === null) {
      state.version = page.version;
    }
    state.complete = page.complete;
    state.columns = page.columns;
    // The header control that had focus gets it back once the header is drawn anew (keyboard sorting).
    const focused = document.activeElement?.closest?.("#grid thead button[data-column]");
    const refocus = focused ? { column: focused.dataset.column, kind: focused.className } : null;
    renderGrid($("grid"), {
      columns: page.columns, rows: page.rows, rowNumbers: page.rowNumbers, header: headerCell, find: state.view.q,
      truncated: page.truncated ?? [], cellLink: (row, column) => `/api/tables/${encodeURIComponent(state.id)}/cells/${row}/${column}`,
      empty: emptyMessage(state.view), marks: (rowNumber) => changes.marks(rowNumber, page.version),
    });
    if (refocus) {
      $("grid").querySelector(`thead button.${refocus.kind.split(" ")[0]}[data-column="${refocus.column}"]`)?.focus();
    }
    columnMenu.reanchor((column) => $("grid").querySelector(`thead button.menu[data-column="${column}"]`));
    viewBar.show(page, state.columns);
    share.showViewLink(hasView(state.page, state.pageSize, state.view));
    downloads.show(state.id, state.name, state.view, page.totalRows, state.viewing);
    versions.show(state.version, state.viewing);
    presenting.moved();
    pager.show(page.page, page.totalPages, state.pageSize);
    $("table-version").textContent = `Version ${page.version}`;
    // A view of a growing table is of its rows of up to a second ago: the count never goes back below what RowsAppended said.
    const rows = state.appended?.version === page.version ? Math.max(state.appended.rows, page.tableRows) : page.tableRows;
    $("table-rows").textContent = rowsText(rows, page.complete);
  }

  function headerCell(th, name, index) {
    fillHeaderCell(th, name, index, {
      view: state.view,
      onSort: (column, further) => changeView(toggleSort(state.view, column, further), "Sorting…"),
      onMenu: (button, column, direction) => columnMenu.open(button, { column, name, type: state.columnTypes[index] ?? "text", direction }),
    });
  }

  /** The page, page size and view the address asks for. */
  function showAddress() {
    const asked = readAddress();
    state.view = asked.view;
    state.viewing = asked.version;
    state.page = asked.page;
    state.pageSize = asked.pageSize;
    viewBar.showFind(state.view.q);
    pager.showPageSize(state.pageSize);
  }

  function scheduleRefill() {
    if (refillTimer || state.rowsOnPage >= state.pageSize) {
      return;
    }
    refillTimer = setTimeout(() => {
      refillTimer = null;
      loadPage(state.page, { push: false });
    }, refillMs);
  }

  function showError(text) {
    $("table-error").textContent = text;
    $("table-error").hidden = false;
  }

  return {
    open,
    resume,
    connectionChanged,
    pageChangedInAddress() {
      showAddress();
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

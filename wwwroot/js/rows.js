// Where the table page's data comes from: the live connection while it is up, plain HTTP while it is
// not (the server refused it, or it is still connecting), with the same answers and errors either way.
// A newer read of rows cancels the one before it, on the server too (the hub's stream is cancelled,
// the HTTP request aborted), so a viewer typing in the find box pays only for the last text.

/* global signalR */

import { viewQuery } from "./view-state.js";

const superseded = Object.freeze({ code: "superseded", message: "A newer request replaced this one." });
const unreachable = Object.freeze({
  code: "unreachable",
  message: "The server cannot be reached right now. Check your connection; TsvLive keeps trying.",
});

export function createRowsSource(hub) {
  let current = null;

  const live = () => hub.connection.state === signalR.HubConnectionState.Connected;

  /** Reads a page of a view ({ page, pageSize, sort, filter, q }); the read before it, if still running, is cancelled. */
  function rows(id, request) {
    current?.cancel();
    const read = live() ? streamOverHub(id, request) : overHttp(`/api/tables/${encodeURIComponent(id)}/rows?${query(request)}`);
    current = read;
    return read.promise.finally(() => {
      if (current === read) {
        current = null;
      }
    });
  }

  function streamOverHub(id, request) {
    let subscription = null;
    let rejectRead = null;
    const promise = new Promise((resolve, reject) => {
      rejectRead = reject;
      let page = null;
      subscription = hub.connection.stream("StreamRows", id, request).subscribe({
        next: (item) => {
          page = item;
        },
        complete: () => resolve(page),
        error: (error) => reject(error),
      });
    });
    return {
      promise,
      cancel() {
        subscription?.dispose();
        rejectRead(superseded);
      },
    };
  }

  return {
    rows,
    /** The table's metadata over HTTP (while live, watching the table gives it); of an older version when given. */
    info: (id, version = null) => overHttp(`/api/tables/${encodeURIComponent(id)}${version ? `?version=${version}` : ""}`).promise,
    /** The versions kept, newest first. */
    versions: (id) => overHttp(`/api/tables/${encodeURIComponent(id)}/versions`).promise,
    /** A page of the changes between two versions ({ from, to, page, pageSize }). */
    changes: (id, request) => (live()
      ? hub.connection.invoke("GetChanges", id, request)
      : overHttp(`/api/tables/${encodeURIComponent(id)}/changes?from=${request.from}&to=${request.to}&page=${request.page}&pageSize=${request.pageSize}`).promise),
    /** A column's stats. */
    stats: (id, column) => (live()
      ? hub.connection.invoke("GetColumnStats", id, column)
      : overHttp(`/api/tables/${encodeURIComponent(id)}/columns/${column}`).promise),
    get live() {
      return live();
    },
  };
}

/** A GET whose failure is { code, message }: the problem's code and detail, "unreachable", or "superseded" when cancelled. */
function overHttp(path) {
  const controller = new AbortController();
  const promise = fetch(path, { signal: controller.signal, headers: { Accept: "application/json" } }).then(
    async (response) => {
      if (response.ok) {
        return response.json();
      }
      const problem = await response.json().catch(() => ({}));
      throw { code: problem.code ?? "error", message: problem.detail ?? `The server answered ${response.status}.` };
    },
    (error) => {
      throw error?.name === "AbortError" ? superseded : unreachable;
    },
  );
  return { promise, cancel: () => controller.abort() };
}

/** The rows endpoint's query: the view as the address writes it, and the page. */
function query({ page, pageSize, sort = [], filter = [], q = null, version = null }) {
  return [...viewQuery({ sort, filter, q: q ?? "" }), `page=${page}`, `pageSize=${pageSize}`, ...(version ? [`version=${version}`] : [])].join("&");
}

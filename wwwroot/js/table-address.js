// The table page's address: which page, page size and view it shows, and the links to it.

import { readView, viewQuery } from "./view-state.js";

// A link means the same rows for everyone: a page size missing from the address is this one.
export const defaultPageSize = 100;
export const pageSizes = [25, 50, 100, 500, 1000];

/** The page, page size, view and version (null: the latest) the address asks for: a link without a size means the default. */
export function readAddress() {
  const parameters = new URLSearchParams(location.search);
  const page = Number.parseInt(parameters.get("page") ?? "1", 10);
  const size = Number(parameters.get("pageSize") ?? defaultPageSize);
  const version = Number.parseInt(parameters.get("version") ?? "", 10);
  return {
    view: readView(parameters),
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    pageSize: pageSizes.includes(size) ? size : defaultPageSize,
    version: Number.isFinite(version) && version >= 1 ? version : null,
  };
}

/** Puts a page of a view (of an older version) in the address: a new history entry when <push> (a step Back undoes), else in place. */
export function writeAddress(page, pageSize, view, push, version = null) {
  const address = `${location.pathname}${query(page, pageSize, view, version)}`;
  const entry = { page, pageSize };
  if (push && address !== location.pathname + location.search) {
    history.pushState(entry, "", address);
  } else {
    history.replaceState(entry, "", address);
  }
}

export function tableLink(id) {
  return `${location.origin}/t/${id}`;
}

/** Whether a page shows more than the table's first page as it comes: a view, another page, another page size. */
export function hasView(page, pageSize, view) {
  return view.sort.length > 0 || view.filter.length > 0 || view.q !== "" || page !== 1 || pageSize !== defaultPageSize;
}

/** The link to what is on screen: the view, page and page size (the plain table link when there is none). */
export function viewLink(id, page, pageSize, view) {
  return hasView(page, pageSize, view) ? `${tableLink(id)}${query(page, pageSize, view)}` : tableLink(id);
}

/** The address's query for a page of a view: the page size only when it is not the default, the version only when older. */
function query(page, pageSize, view, version = null) {
  return `?${[...(version ? [`version=${version}`] : []), ...viewQuery(view), `page=${page}`,
    ...(pageSize === defaultPageSize ? [] : [`pageSize=${pageSize}`])].join("&")}`;
}

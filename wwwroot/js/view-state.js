// A view of a table (sort keys, filters, text to find) as the address holds it:
// /t/{id}?sort=3:desc&sort=1&filter=2:contains:x&q=foo&page=2. Columns are 1-based positions.

export const emptyView = Object.freeze({ sort: [], filter: [], q: "" });

export function readView(parameters) {
  return {
    sort: parameters.getAll("sort").filter((s) => s !== ""),
    filter: parameters.getAll("filter").filter((f) => f !== ""),
    q: parameters.get("q") ?? "",
  };
}

/** The view as query parameters (colons kept as they are, so the address reads as the contract writes it). */
export function viewQuery(view) {
  const part = (name, value) => `${name}=${encodeURIComponent(value).replaceAll("%3A", ":")}`;
  return [
    ...view.sort.map((s) => part("sort", s)),
    ...view.filter.map((f) => part("filter", f)),
    ...(view.q ? [part("q", view.q)] : []),
  ];
}

/** The direction a column is sorted in ("ascending", "descending"), and its place among the keys; or none. */
export function sortOf(view, column) {
  const index = view.sort.findIndex((s) => Number.parseInt(s, 10) === column);
  if (index < 0) {
    return { direction: "none", index: -1 };
  }
  return { direction: view.sort[index].endsWith(":desc") ? "descending" : "ascending", index };
}

/**
 * A header click: ascending, then descending, then off. Alone it replaces the sort; with Shift it
 * adds the column as a further key (or turns the key it already is).
 */
export function toggleSort(view, column, additive) {
  const { direction, index } = sortOf(view, column);
  const turn = (from) => (from === "none" ? `${column}` : from === "ascending" ? `${column}:desc` : null);
  if (!additive) {
    // The first key turns; any other column starts a new sort by itself.
    const next = turn(index === 0 ? direction : "none");
    return { ...view, sort: next === null ? [] : [next] };
  }
  const next = turn(direction);
  const sort = [...view.sort];
  if (index < 0) {
    sort.push(next);
  } else if (next === null) {
    sort.splice(index, 1);
  } else {
    sort[index] = next;
  }
  return { ...view, sort };
}

export function setSort(view, column, direction) {
  const rest = view.sort.filter((s) => Number.parseInt(s, 10) !== column);
  return { ...view, sort: direction === "none" ? rest : [direction === "descending" ? `${column}:desc` : `${column}`, ...rest] };
}

export function addFilters(view, filters) {
  return { ...view, filter: [...view.filter, ...filters.filter((f) => !view.filter.includes(f))] };
}

export function removeFilter(view, filter) {
  return { ...view, filter: view.filter.filter((f) => f !== filter) };
}

/** A filter in words, for its chip: "city contains x", "amount ≥ 3". */
export function describeFilter(filter, columns) {
  const [column, op, ...rest] = filter.split(":");
  const value = rest.join(":");
  const name = columns[Number.parseInt(column, 10) - 1] ?? `Column ${column}`;
  const words = {
    eq: "is", ne: "is not", contains: "contains", starts: "starts with",
    lt: "<", le: "≤", gt: ">", ge: "≥", empty: "is empty", nonempty: "is not empty",
  };
  return `${name} ${words[op] ?? op}${value ? ` ${value}` : ""}`;
}

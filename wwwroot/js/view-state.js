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

const operatorsAll = ["eq", "ne", "contains", "starts", "lt", "le", "gt", "ge", "empty", "nonempty"];
const typedOperators = ["eq", "ne", "lt", "le", "gt", "ge"];
const numberPattern = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[-+]([01]\d|2[0-3]):[0-5]\d)?)?$/;

/** What kind of values a column's type compares by: "number", "date", "boolean" or "text". */
export function kindOf(type) {
  return type === "integer" || type === "number" ? "number" : type === "date" || type === "boolean" ? type : "text";
}

/** Whether the server can compare `value` with a column of `type` (the contract's rules, as the server reads them). */
export function valueFits(type, value) {
  switch (kindOf(type)) {
    case "number":
      return numberPattern.test(value);
    case "date": {
      const match = datePattern.exec(value);
      if (!match) {
        return false;
      }
      const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
      return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
    }
    case "boolean":
      return /^(true|false)$/i.test(value);
    default:
      return true;
  }
}

/** What a column of `type` accepts in a comparison, said for a person. */
export function acceptedValues(type) {
  return {
    number: type === "integer" ? "whole numbers such as 42 or -7 (or decimals with a dot, such as 1.5)" : "numbers written with a dot, such as 1.5, -7 or 2e3",
    date: "dates written as YYYY-MM-DD, such as 2024-01-05, optionally with a time: 2024-01-05 14:30",
    boolean: "true or false",
    text: "any text",
  }[kindOf(type)];
}

/** Whether a filter compares by the column's type (so its value must be of that type). */
function isTyped(op, type) {
  return kindOf(type) !== "text" && typedOperators.includes(op);
}

/** The column a sort key or filter names (1-based), or NaN when it names none. */
function columnOf(part) {
  const text = part.split(":")[0];
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

function withColumn(part, column) {
  return `${column}${part.slice(part.indexOf(":") < 0 ? part.length : part.indexOf(":"))}`;
}

/**
 * The view with every part the table cannot use left out (a column it does not have, a malformed key or
 * filter, a value its column cannot hold), and a sentence for each part left out.
 */
export function fitView(view, columns, types) {
  const dropped = [];
  const name = (column) => columns[column - 1] ?? `column ${column}`;
  const inRange = (column) => Number.isInteger(column) && column >= 1 && column <= columns.length;
  const seen = new Set();
  const sort = view.sort.filter((key) => {
    const column = columnOf(key);
    const rest = key.slice(String(column).length);
    if (!inRange(column)) {
      dropped.push(Number.isNaN(column)
        ? `the sort “${key}” (not a column number)`
        : `the sort by column ${column} (this table has ${columns.length === 1 ? "1 column" : `columns 1 to ${columns.length}`})`);
      return false;
    }
    if (!["", ":desc", ":asc"].includes(rest) || seen.has(column)) {
      dropped.push(`the sort “${key}”`);
      return false;
    }
    seen.add(column);
    return true;
  });
  const filter = view.filter.filter((text) => {
    const [columnText, op, ...rest] = text.split(":");
    const column = columnOf(columnText);
    const value = rest.join(":");
    if (!inRange(column)) {
      dropped.push(Number.isNaN(column)
        ? `the filter “${text}” (not a column number)`
        : `the filter on column ${column} (this table has ${columns.length === 1 ? "1 column" : `columns 1 to ${columns.length}`})`);
      return false;
    }
    const needsValue = op !== "empty" && op !== "nonempty";
    if (!operatorsAll.includes(op) || (needsValue ? value === "" : rest.length > 0)) {
      dropped.push(`the filter “${text}” (not column:operator:value)`);
      return false;
    }
    if (isTyped(op, types[column - 1]) && !valueFits(types[column - 1], value)) {
      dropped.push(`the filter “${describeFilter(text, columns)}” (${name(column)} holds ${acceptedValues(types[column - 1])})`);
      return false;
    }
    return true;
  });
  return { view: { sort, filter, q: view.q.trim() }, dropped };
}

/**
 * After a replacement: the view follows its columns by name. A column still at its place stays; one
 * that moved is followed to its new place; one that is gone (or whose name is no longer unique) is
 * left out; a typed comparison on a column whose kind of values changed is left out, since it would
 * now compare something else. Returns the new view and a sentence for each change.
 */
export function followColumns(view, before, after) {
  const notes = [];
  const moved = new Map();
  const gone = new Set();
  const changedKind = new Set();
  const columns = new Set([...view.sort, ...view.filter].map(columnOf).filter((c) => !Number.isNaN(c)));
  for (const column of columns) {
    const name = before.columns[column - 1];
    if (name === undefined) {
      continue; // not a column before either: fitView says so
    }
    let target = column;
    if (after.columns[column - 1] !== name) {
      const places = after.columns.flatMap((n, i) => (n === name ? [i + 1] : []));
      if (places.length !== 1) {
        gone.add(column);
        notes.push(`“${name}” is no longer in the table, so its ${describeUses(view, column, before.columns)} was removed`);
        continue;
      }
      target = places[0];
      moved.set(column, target);
      notes.push(`“${name}” moved to column ${target}; the view follows it`);
    }
    if (kindOf(before.types[column - 1]) !== kindOf(after.types[target - 1])) {
      changedKind.add(column);
    }
  }
  const place = (part) => (moved.has(columnOf(part)) ? withColumn(part, moved.get(columnOf(part))) : part);
  const sort = view.sort.filter((key) => !gone.has(columnOf(key))).map(place);
  for (const key of view.sort) {
    if (changedKind.has(columnOf(key))) {
      const column = moved.get(columnOf(key)) ?? columnOf(key);
      notes.push(`“${after.columns[column - 1]}” now holds ${after.types[column - 1]} values, so it is sorted as ${kindOf(after.types[column - 1])}`);
    }
  }
  const filter = view.filter.filter((text) => {
    const column = columnOf(text);
    if (gone.has(column)) {
      return false;
    }
    const op = text.split(":")[1];
    if (changedKind.has(column) && typedOperators.includes(op)) {
      const target = moved.get(column) ?? column;
      notes.push(`“${after.columns[target - 1]}” now holds ${after.types[target - 1]} values, so the filter “${describeFilter(text, before.columns)}” was removed (it would compare something else now)`);
      return false;
    }
    return true;
  }).map(place);
  return { view: { ...view, sort, filter }, notes };
}

function describeUses(view, column, columns) {
  const uses = [];
  if (view.sort.some((key) => columnOf(key) === column)) {
    uses.push("sort");
  }
  for (const text of view.filter.filter((f) => columnOf(f) === column)) {
    uses.push(`filter “${describeFilter(text, columns)}”`);
  }
  return uses.join(" and ");
}

/** Whether two views ask for the same rows in the same order. */
export function sameView(a, b) {
  return a.q === b.q && a.sort.join("\n") === b.sort.join("\n") && a.filter.join("\n") === b.filter.join("\n");
}

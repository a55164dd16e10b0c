// Numbers, sizes and sentences as people read them.

const numberFormat = new Intl.NumberFormat();

export function formatCount(n) {
  return numberFormat.format(n);
}

export function formatBytes(bytes) {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function plural(n, one, many) {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The text with its first letter in capitals, to start a sentence. */
export function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How many rows a table has: while a new table still arrives, how many so far. */
export function rowsText(count, complete) {
  return complete ? plural(count, "row", "rows") : `Uploading — ${plural(count, "row", "rows")} so far`;
}

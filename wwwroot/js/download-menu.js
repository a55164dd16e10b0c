// The Download menu: the rows on screen (the whole view, not one page) as CSV, TSV, JSON or Excel,
// and the original file as it was uploaded.

import { plural } from "./format.js";
import { viewQuery } from "./view-state.js";

const $ = (id) => document.getElementById(id);

const formats = [
  { format: "csv", name: "CSV" },
  { format: "tsv", name: "TSV" },
  { format: "json", name: "JSON" },
  { format: "xlsx", name: "Excel" },
];

/** Excel's rows per sheet below the header: a larger view is offered in the other formats only. */
const excelRows = 1_048_575;

export function createDownloadMenu() {
  const menu = $("download");
  // The menu closes when a choice is made or focus leaves it.
  menu.addEventListener("click", (event) => {
    if (event.target.closest("a")) {
      menu.open = false;
    }
  });
  menu.addEventListener("focusout", (event) => {
    if (!menu.contains(event.relatedTarget)) {
      menu.open = false;
    }
  });
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });

  return {
    /** Offers the current view's <rows> rows of table <id> (named <name>), of an older <version> when given. */
    show(id, name, view, rows, version = null) {
      const base = `/api/tables/${encodeURIComponent(id)}`;
      const query = [...viewQuery(view), ...(version ? [`version=${version}`] : [])];
      const items = formats
        .filter(({ format }) => format !== "xlsx" || rows <= excelRows)
        .map(({ format, name: formatName }) =>
          link(`${base}/export?${[`format=${format}`, ...query].join("&")}`, `Download ${plural(rows, "row", "rows")} as ${formatName}`));
      items.push(link(`${base}/file${version ? `?version=${version}` : ""}`, `Download the original file (${name}${version ? `, version ${version}` : ""})`));
      $("download-list").replaceChildren(...items);
    },
  };
}

function link(href, text) {
  const item = document.createElement("li");
  const anchor = document.createElement("a");
  anchor.href = href;
  anchor.download = "";
  anchor.textContent = text;
  item.append(anchor);
  return item;
}

// The version menu and the read-only look at an older version: the menu lists the versions the
// server keeps; choosing an older one shows it, clearly marked ("Viewing version 3 of 7 — back to the
// latest"), with nothing that would change the table.

import { formatCount } from "./format.js";
import { describeError } from "./hub.js";

const $ = (id) => document.getElementById(id);
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * <source> reads the versions list; <table()> gives the table's id; <choose(version)> opens a version
 * (null: the latest); <notices> says when the list cannot be read.
 */
export function createVersions(source, notices, { table, choose }) {
  const menu = $("version-choice");
  let listed = { id: null, latest: 0 };

  menu.addEventListener("change", () => choose(Number(menu.value) === listed.latest ? null : Number(menu.value)));
  $("back-to-latest").addEventListener("click", () => choose(null));

  /** Fills the menu with the versions kept (once per table and latest version). */
  async function list(latest, viewing) {
    const { id } = table();
    if (listed.id === id && listed.latest === latest) {
      menu.value = String(viewing ?? latest);
      return;
    }
    listed = { id, latest };
    try {
      const versions = await source.versions(id);
      if (listed.id !== id || listed.latest !== latest) {
        return; // another table or version meanwhile
      }
      menu.replaceChildren(...versions.map((version) => option(version, latest)));
      menu.value = String(viewing ?? latest);
      menu.hidden = versions.length < 2;
      // The menu names the version on screen; the plain label is for a table with one version.
      $("table-version").hidden = !menu.hidden;
    } catch (error) {
      listed = { id: null, latest: 0 };
      notices.show(`The versions could not be listed: ${describeError(error).message}`, { kind: "error" });
    }
  }

  return {
    /** The table's latest version is <latest>; <viewing> is the older one on screen, or null. */
    show(latest, viewing) {
      const older = viewing !== null && viewing !== latest;
      $("table-view").classList.toggle("viewing-older", older);
      $("old-version").hidden = !older;
      $("old-version-text").textContent = older ? `Viewing version ${formatCount(viewing)} of ${formatCount(latest)} (read-only) —` : "";
      list(latest, viewing);
    },
  };
}

function option(version, latest) {
  const item = document.createElement("option");
  item.value = String(version.version);
  const when = timeFormat.format(new Date(version.updatedAt));
  item.textContent = version.version === latest ? `Version ${version.version} (latest)` : `Version ${version.version} — ${when}`;
  return item;
}

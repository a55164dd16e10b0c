// How a table's file was read ("Read as comma-separated, quoted, UTF-8") and, for edit-link holders,
// the separator choice that reads the same file again as the next version.

import { describeError } from "./hub.js";

const $ = (id) => document.getElementById(id);

const separatorWords = { tab: "tab-separated", comma: "comma-separated", semicolon: "semicolon-separated", pipe: "pipe-separated" };

/**
 * <table()> gives the table's id and edit key; <notices> says when a reread failed. The new version
 * arrives as any replacement does, and its notice says it was read again (<describeReplacement>).
 */
export function createReadAs(notices, table) {
  let shown = "tab";
  // The separator this page asked to read the file with, until a version read so arrives.
  let requested = null;
  let rereadVersion = 0;

  $("separator-choice").addEventListener("change", async () => {
    const choice = $("separator-choice");
    const separator = choice.value;
    const { id, editKey } = table();
    choice.disabled = true;
    requested = separator;
    try {
      const response = await fetch(`/api/tables/${encodeURIComponent(id)}/reread?separator=${separator}`, {
        method: "POST",
        headers: { "X-Edit-Key": editKey ?? "" },
      });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new Error(problem.detail ?? `The server answered ${response.status}.`);
      }
    } catch (error) {
      requested = null;
      choice.value = shown;
      notices.show(`The file was not read again: ${describeError(error).message}`, { kind: "error" });
    } finally {
      choice.disabled = false;
    }
  });

  return {
    /** The notice for a replacement with <version>: this page's own reread says so. */
    describeReplacement(version) {
      return version === rereadVersion ? `Read again as ${separatorWords[shown]}: version ${version}` : `Replaced with version ${version}`;
    },
    /** Says how this version was read, and sets the choice to its separator. */
    show(info) {
      shown = info.separator ?? "tab";
      if (requested !== null && shown === requested) {
        requested = null;
        rereadVersion = info.version;
      }
      const parts = [separatorWords[shown], info.dialect, info.encoding ?? "UTF-8"];
      $("read-as").textContent = `Read as ${parts.join(", ")}.`;
      $("separator-choice").value = shown;
    },
  };
}

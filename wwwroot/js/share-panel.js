// The panel beside a table: copying its links (view, table, edit) and, for edit-link holders,
// replacing its file.

import { editKeyFor } from "./edit-keys.js";
import { describeError } from "./hub.js";
import { createProgress } from "./progress.js";
import { upload } from "./uploader.js";

const $ = (id) => document.getElementById(id);

/**
 * <table()> gives the table's id, edit key and links; <notices> says how a replacement went.
 */
export function createSharePanel(hub, notices, table) {
  let activeUpload = null;
  // A replacement this page cancelled, whose progress the server may still report until it hears of
  // the cancel: not "a new version arriving".
  let ownUploadEnding = false;

  $("copy-view-link").addEventListener("click", () => copy(table().viewLink, "View link copied"));
  $("copy-table-link").addEventListener("click", () => copy(table().tableLink, "Table link copied"));
  $("copy-edit-link").addEventListener("click", () => copy(`${table().tableLink}#key=${table().editKey}`, "Edit link copied"));
  $("replace-input").addEventListener("change", () => {
    const file = $("replace-input").files[0];
    $("replace-input").value = "";
    if (file) {
      replaceWith(file);
    }
  });

  /** One replacement at a time: the control is off while one runs (the server refuses a second too). */
  function replaceWith(file) {
    if (activeUpload) {
      return;
    }
    notices.clear();
    setReplacing(true);
    const { id, editKey } = table();
    const progress = createProgress($("replace-progress"), "Replace progress", () => activeUpload?.cancel(), file.name);
    activeUpload = upload(hub, file, { id, editKey: editKey ?? editKeyFor(id) }, (p) => progress.update(p));
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

  return {
    /** Whether progress and abandonment the server reports are this page's own replacement (not news for the viewer). */
    get replacingHere() {
      return activeUpload !== null || ownUploadEnding;
    },
    /** Whether this page's own replacement is still running. */
    get uploading() {
      return activeUpload !== null;
    },
    /** The server says a replacement ended (published or abandoned): a cancelled one of this page's has surely ended. */
    replacementEnded() {
      ownUploadEnding = false;
    },
    /** Offers the edit link and replacing only with an edit key. */
    showEditing(editKey) {
      $("copy-edit-link").hidden = !editKey;
      $("replace").hidden = !editKey;
    },
    /** The table link is offered apart from the view link only when the page shows a view. */
    showViewLink(hasView) {
      $("copy-table-link").hidden = !hasView;
    },
  };
}

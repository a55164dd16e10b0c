// The upload page, /: pick or drop a file; it streams to the server with progress.

import { rememberEditKey } from "./edit-keys.js";
import { describeError } from "./hub.js";
import { renderGrid } from "./grid.js";
import { createProgress } from "./progress.js";
import { upload } from "./uploader.js";

const $ = (id) => document.getElementById(id);
// The first rows shown while a new table uploads, read again at most this often until there are as many.
const previewRows = 20;
const previewEveryMs = 500;

export function createUploadView(hub, { onUploaded }) {
  let active = null;

  $("file-input").addEventListener("change", () => {
    const file = $("file-input").files[0];
    $("file-input").value = "";
    if (file) {
      start(file);
    }
  });

  // Drop anywhere on the page while the upload view shows.
  let depth = 0;
  document.addEventListener("dragenter", (event) => {
    if (!$("upload-view").hidden && event.dataTransfer?.types.includes("Files")) {
      depth++;
      document.body.classList.add("dragging");
    }
  });
  document.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) {
      document.body.classList.remove("dragging");
    }
  });
  document.addEventListener("dragover", (event) => {
    if (!$("upload-view").hidden) {
      event.preventDefault();
    }
  });
  document.addEventListener("drop", (event) => {
    if ($("upload-view").hidden) {
      return;
    }
    event.preventDefault();
    depth = 0;
    document.body.classList.remove("dragging");
    const file = event.dataTransfer?.files[0];
    if (file) {
      start(file);
    }
  });

  async function start(file) {
    if (active) {
      $("upload-error").textContent = `${file.name} was not uploaded: ${active.name} is still uploading. ` +
        "Wait for it to finish, or cancel it, then pick the other file.";
      $("upload-error").hidden = false;
      return;
    }
    $("upload-error").hidden = true;
    setUploading(true);
    const progress = createProgress($("upload-progress"), "Upload progress", () => active?.cancel(), file.name);
    const preview = createPreview(file.name);
    progress.message(`Connecting to upload ${file.name}…`);
    active = { name: file.name, cancel() {} };
    try {
      await hub.ready();
      const running = upload(hub, file, {}, (p) => {
        progress.update(p);
        preview.arrived(p);
      });
      active = { name: file.name, cancel: running.cancel };
      const created = await running.done;
      rememberEditKey(created.id, created.editKey);
      progress.remove();
      preview.remove();
      onUploaded(created);
    } catch (error) {
      progress.remove();
      preview.remove();
      const { code, message } = describeError(error);
      $("upload-error").textContent = code === "upload-cancelled" ? "Upload cancelled. Nothing was saved." : message;
      $("upload-error").hidden = false;
    } finally {
      active = null;
      setUploading(false);
    }
  }

  /** While a file uploads, the picker is off: a second file waits until the first is done or cancelled. */
  function setUploading(uploading) {
    $("file-input").disabled = uploading;
    $("file-label").setAttribute("aria-disabled", String(uploading));
  }

  /**
   * The first rows of a new table while its file still uploads: read (plain HTTP, the table's first
   * page) once the server has indexed some, and again as more arrive until the preview is full.
   */
  function createPreview(fileName) {
    let id = null;
    let shown = 0;
    let timer = null;
    let stopped = false;
    const refresh = async () => {
      try {
        const response = await fetch(`/api/tables/${encodeURIComponent(id)}/rows?pageSize=${previewRows}`);
        if (!response.ok || stopped) {
          return; // the next progress tries again
        }
        const page = await response.json();
        if (page.rows.length > shown) {
          shown = page.rows.length;
          $("upload-preview-title").textContent = `The first rows of ${fileName}, while it uploads`;
          renderGrid($("upload-preview-grid"), {
            columns: page.columns,
            rows: page.rows,
            rowNumbers: page.rowNumbers,
            header: (th, name) => { th.textContent = name; },
            truncated: page.truncated ?? [],
            cellLink: (row, column) => `/api/tables/${encodeURIComponent(id)}/cells/${row}/${column}`,
          });
          $("upload-preview").hidden = false;
        }
      } catch {
        // offline for a moment: the next progress tries again
      } finally {
        timer = null;
      }
    };
    return {
      arrived({ id: tableId, rows }) {
        if (stopped || !tableId || rows === 0 || shown >= previewRows || timer !== null) {
          return;
        }
        id = tableId;
        timer = setTimeout(refresh, shown === 0 ? 0 : previewEveryMs);
      },
      remove() {
        stopped = true;
        clearTimeout(timer);
        $("upload-preview").hidden = true;
        $("upload-preview-grid").tHead.replaceChildren();
        $("upload-preview-grid").tBodies[0].replaceChildren();
      },
    };
  }

  return {
    show() {
      document.title = "TsvLive";
      $("upload-view").hidden = false;
    },
    hide() {
      $("upload-view").hidden = true;
    },
  };
}

// "Delete table" for the holder of the edit link: asks first, naming the file; the table and every
// version of it are then gone for everyone (viewers are told by the hub's TableDeleted).

import { describeError } from "./hub.js";

const $ = (id) => document.getElementById(id);

/** <table()> gives the table's id, edit key and name; <deleted()> is called once it is gone; <notices> says when it was not. */
export function createTableDeleting(hub, notices, { table, deleted }) {
  $("delete-table").addEventListener("click", async () => {
    const { id, editKey, name } = table();
    if (!confirm(`Delete “${name}”? Everyone viewing it loses it at once and its links stop working. This cannot be undone.`)) {
      return;
    }
    try {
      await remove(hub, id, editKey);
      deleted();
    } catch (error) {
      notices.show(`The table was not deleted: ${describeError(error).message}`, { kind: "error" });
    }
  });
}

/** Over the live connection when there is one, else over HTTP (the same answer either way). */
async function remove(hub, id, editKey) {
  if (hub.connection.state === "Connected") {
    await hub.connection.invoke("Delete", id, editKey);
    return;
  }
  const response = await fetch(`/api/tables/${encodeURIComponent(id)}`, { method: "DELETE", headers: { "X-Edit-Key": editKey } });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw { code: problem.code ?? "error", message: problem.detail ?? `The server answered ${response.status}.` };
  }
}

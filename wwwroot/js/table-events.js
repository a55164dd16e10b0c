// What the hub says about the table on screen: a new version, upload progress, a replacement
// abandoned, how many people view it, its deletion. News of other tables is not passed on.

/** <tableId()> is the table on screen; each handler hears only of it. */
export function listenToTable(connection, tableId, { replaced, progress, abandoned, viewers, deleted, appended }) {
  connection.on("TableReplaced", (info) => {
    if (info.id === tableId()) {
      replaced(info);
    }
  });
  connection.on("UploadProgress", (id, bytesReceived, rowCount) => {
    if (id === tableId()) {
      progress(bytesReceived, rowCount);
    }
  });
  connection.on("ReplacementAbandoned", (id) => {
    if (id === tableId()) {
      abandoned();
    }
  });
  connection.on("RowsAppended", (info) => {
    if (info.id === tableId()) {
      appended(info);
    }
  });
  connection.on("TableDeleted", (id) => {
    if (id === tableId()) {
      deleted();
    }
  });
  connection.on("ViewerCount", (id, count) => {
    if (id === tableId()) {
      viewers(count);
    }
  });
}

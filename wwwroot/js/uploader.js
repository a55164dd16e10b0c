// Streams a File to the hub's Upload in chunks read from the file, never the whole file at once.

/* global signalR */

const chunkSize = 64 * 1024;
// The file is read in blocks this large and sent in chunks of chunkSize: each read is a round trip to
// the browser's file reader, which cost more than sending the chunk did when every chunk was read alone.
const blockSize = 4 * 1024 * 1024;
// Sending gives the page a turn (input, paint) after this much work, not after every chunk.
const turnMs = 10;
// Bytes sent but not yet confirmed by the server's UploadProgress, before sending waits.
const unconfirmedLimit = 16 * 1024 * 1024;
// How long sending waits for a confirmation before it sends one more chunk anyway: flow control
// must never wait forever on a message that may not come (the server sends its newest progress at
// the end of each interval, so this only matters if that promise is ever broken).
const confirmationPatienceMs = 1000;

/** Lets the page handle input and paint between chunks, so Cancel and the pager stay responsive. */
function yieldToPage() {
  return globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

function toBase64(bytes) {
  if (typeof bytes.toBase64 === "function") {
    return bytes.toBase64();
  }
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/**
 * Uploads file as a new table (no id) or as a replacement (id and editKey), over hub (from createHub).
 * onProgress({ id, confirmed, total, bytesPerSecond, rows, finishing }) is called as the server confirms
 * bytes; finishing: every byte and the end of the file are handed over, so it can no longer be cancelled.
 * Returns { done: Promise<TableCreated|TableInfo>, cancel() }.
 */
export function upload(hub, file, { id, editKey }, onProgress) {
  const connection = hub.connection;
  const subject = new signalR.Subject();
  const started = performance.now();
  let tableId = id ?? null;
  let sent = 0;
  let confirmed = 0;
  let lastConfirmationAt = 0;
  let cancelled = false;
  let finishing = false;
  let lastProgress = null;
  let wake = null;

  const onServerProgress = (progressId, bytesReceived, rowCount) => {
    if (tableId === null) {
      tableId = progressId; // a new table: its id arrives with the first progress (the uploading page watches no other)
    }
    if (progressId !== tableId) {
      return;
    }
    confirmed = Math.max(confirmed, bytesReceived);
    lastConfirmationAt = performance.now();
    const seconds = (performance.now() - started) / 1000;
    lastProgress = { id: tableId, confirmed, total: file.size, bytesPerSecond: seconds > 0 ? confirmed / seconds : 0, rows: rowCount };
    onProgress({ ...lastProgress, finishing });
    wake?.();
  };
  connection.on("UploadProgress", onServerProgress);

  const request = { name: file.name };
  if (id) {
    request.id = id;
    request.editKey = editKey;
  }
  const result = connection.invoke("Upload", subject, request);

  (async () => {
    try {
      let block = new Uint8Array(0);
      let blockStart = 0;
      let turnStarted = performance.now();
      for (let offset = 0; offset < file.size && !cancelled; offset += chunkSize) {
        const waitingSince = performance.now();
        const patient = () => performance.now() - Math.max(waitingSince, lastConfirmationAt) < confirmationPatienceMs;
        while (sent - confirmed > unconfirmedLimit && !cancelled && patient()) {
          await new Promise((resolve) => {
            wake = resolve;
            setTimeout(resolve, 250);
          });
          turnStarted = performance.now();
        }
        if (performance.now() - turnStarted >= turnMs) {
          await yieldToPage();
          turnStarted = performance.now();
        }
        if (offset >= blockStart + block.length) {
          blockStart = offset;
          block = new Uint8Array(await file.slice(offset, offset + blockSize).arrayBuffer());
        }
        if (cancelled) {
          break;
        }
        const bytes = block.subarray(offset - blockStart, offset - blockStart + chunkSize);
        subject.next(hub.binary ? bytes : toBase64(bytes));
        sent += bytes.length;
      }
      if (!cancelled) {
        subject.complete();
        // Every byte and the end of the stream are in the socket, which sends them even as it closes:
        // the server will finish this upload, so from now on Cancel would be a lie.
        finishing = true;
        if (lastProgress) {
          onProgress({ ...lastProgress, finishing });
        }
      }
    } catch (error) {
      subject.error(error);
    }
  })();

  // Cancel answers at once: ending the stream with an error tells the server to keep nothing, whenever
  // it gets there (on a slow link, after the bytes already in the socket). Once the end of the stream
  // is handed over (finishing), there is nothing left to cancel.
  let cancelledHere = () => {};
  const cancelledLocally = new Promise((_, reject) => {
    cancelledHere = () => reject(cancelledError());
  });
  result.catch(() => {}); // after a cancel the server's own answer comes later and is not needed
  const done = Promise.race([result, cancelledLocally])
    .catch((error) => {
      throw cancelled ? cancelledError() : error;
    })
    .finally(() => connection.off("UploadProgress", onServerProgress));
  return {
    done,
    /** Stops the upload and discards it; false when it is too late (finishing). */
    cancel() {
      if (finishing) {
        return false;
      }
      if (!cancelled) {
        cancelled = true;
        subject.error(new Error("Upload cancelled"));
        cancelledHere();
      }
      return true;
    },
  };
}

function cancelledError() {
  return Object.assign(new Error("Upload cancelled"), { code: "upload-cancelled" });
}

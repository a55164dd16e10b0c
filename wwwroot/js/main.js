// Starts the app: one hub connection, and the view the address asks for.

import { createHub } from "./hub.js";
import { createTableView } from "./table-view.js";
import { createUploadView } from "./upload-view.js";

const stateText = {
  connecting: "Connecting…",
  connected: "Live",
  reconnecting: "Reconnecting…",
  disconnected: "Offline — retrying…",
};

const connectionState = document.getElementById("connection-state");
let countdown = null;
const hub = createHub({
  onState(state, refusal) {
    connectionState.dataset.state = state;
    clearInterval(countdown);
    if (state === "refused") {
      // The server refuses live updates for now: say until when, counting down.
      const show = () => {
        const seconds = Math.max(0, Math.ceil((refusal.retryAt - Date.now()) / 1000));
        connectionState.textContent = seconds > 0 ? `Not live — retrying in ${seconds} s` : "Not live — retrying…";
      };
      show();
      countdown = setInterval(show, 1000);
    } else {
      connectionState.textContent = stateText[state];
    }
    tableView.connectionChanged(state, refusal);
  },
  onReconnected: () => tableView.resume(),
});

const tableView = createTableView(hub, { onMissing: showMissing });
const uploadView = createUploadView(hub, {
  onUploaded(created) {
    history.pushState({}, "", `/t/${created.id}`);
    route();
  },
});

const tablePath = /^\/t\/([^/]+)\/?$/;
const tableId = /^[A-Za-z0-9_-]{16,64}$/;

function route() {
  const match = tablePath.exec(location.pathname);
  document.getElementById("missing-view").hidden = true;
  if (!match) {
    tableView.close();
    uploadView.show();
    hub.ready();
    return;
  }
  uploadView.hide();
  if (!tableId.test(match[1])) {
    showMissing();
    return;
  }
  if (tableView.id === match[1]) {
    tableView.pageChangedInAddress();
  } else {
    tableView.open(match[1]);
  }
}

/**
 * Why there is no table to show: "lost" (the page showed it a moment ago, so the link is right),
 * "deleted" (its owner deleted it while it was open here), "deleted-here" (this page deleted it),
 * or null (no such table: a wrong or incomplete link).
 */
const missing = {
  lost: ["This table is no longer on the server",
    "It was open here a moment ago, so the link is right: the server restarted or removed the table. Upload the file again to share it."],
  deleted: ["This table was deleted by its owner", "Its links no longer work. Ask whoever shared it whether there is a new one."],
  "deleted-here": ["You deleted this table", "Everyone who had it open was told, and its links no longer work."],
};

function showMissing({ reason = null } = {}) {
  tableView.close();
  uploadView.hide();
  const [title, why] = missing[reason] ?? ["This table does not exist (or the link is incomplete)", "Check that you copied the whole link."];
  document.title = `${title} — TsvLive`;
  document.getElementById("missing-title").textContent = title;
  document.getElementById("missing-reason").textContent = why;
  document.getElementById("missing-view").hidden = false;
}

window.addEventListener("popstate", route);
route();

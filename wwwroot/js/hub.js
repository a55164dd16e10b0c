// The SignalR connection: reconnects forever with back-off, and reports its state.

/* global signalR */

const retryDelays = [0, 1000, 2000, 5000, 10000, 15000, 30000];

function nextDelay(attempt) {
  return retryDelays[Math.min(attempt, retryDelays.length - 1)];
}

/**
 * Why the server refuses this page's live connections, if it does: a browser cannot read the answer
 * to a refused WebSocket, so the server says it here. { message, retryAt } or null (not refused, or
 * the server cannot be reached at all).
 */
async function askWhyRefused() {
  try {
    const response = await fetch("/api/live-connection", { headers: { Accept: "application/json" } });
    if (response.status !== 429) {
      return null;
    }
    const problem = await response.json().catch(() => ({}));
    const seconds = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    return {
      message: problem.detail ?? "The server refuses live connections from your network for now.",
      retryAt: Date.now() + (Number.isFinite(seconds) ? seconds : 30) * 1000,
    };
  } catch {
    return null;
  }
}

/**
 * Creates the connection. onState(state, refusal) gets "connecting", "connected", "reconnecting",
 * "disconnected" or "refused" (with { message, retryAt }: the server said why and until when);
 * onReconnected runs after the connection came back (watch tables again, reload pages).
 */
export function createHub({ onState, onReconnected }) {
  // WebSockets only, without a negotiate request: behind a load balancer the connection is one
  // request to one instance, so no sticky sessions are needed (docs/architecture.md).
  const builder = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/tables", { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => reconnectDelay(context) })
    .configureLogging(signalR.LogLevel.Warning);
  // MessagePack sends upload chunks as bytes; JSON (base64 chunks) is the fallback.
  const binary = Boolean(signalR.protocols?.msgpack);
  if (binary) {
    builder.withHubProtocol(new signalR.protocols.msgpack.MessagePackHubProtocol());
  }
  const connection = builder.build();

  let started = null;
  let refusal = null;
  let failedFirst;
  const firstFailure = new Promise((resolve) => {
    failedFirst = () => resolve(false);
  });

  /** Connects, retrying for ever; resolves with whether any attempt failed first. */
  async function startWithRetry() {
    for (let attempt = 0; ; attempt++) {
      try {
        if (attempt === 0) {
          onState("connecting");
        }
        await connection.start();
        refusal = null;
        onState("connected");
        return attempt > 0;
      } catch {
        failedFirst();
        refusal = await askWhyRefused();
        onState(refusal ? "refused" : "disconnected", refusal);
        const wait = Math.max(nextDelay(attempt + 1), refusal ? refusal.retryAt - Date.now() : 0);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** Asked once per failed reconnect attempt: a refusal is shown, and the next attempt waits until it ends. */
  function reconnectDelay(context) {
    if (context.previousRetryCount > 0) {
      askWhyRefused().then((found) => {
        refusal = found;
        if (found && connection.state === signalR.HubConnectionState.Reconnecting) {
          onState("refused", found);
        }
      });
    }
    return Math.max(nextDelay(context.previousRetryCount), refusal ? refusal.retryAt - Date.now() : 0);
  }

  connection.onreconnecting(() => onState("reconnecting"));
  connection.onreconnected(() => {
    onState("connected");
    onReconnected();
  });
  // Automatic reconnection never gives up, but a connection can still close (e.g. the first
  // reconnect found the server refusing); start again and tell the page.
  connection.onclose(() => {
    started = startWithRetry().then(onReconnected);
  });

  return {
    connection,
    /** Whether the protocol carries bytes as they are (MessagePack) rather than as base64 text. */
    binary,
    /**
     * Resolves once connected (waiting through retries). A first connection that came only after
     * failed attempts counts as a reconnection: the page, reading over HTTP meanwhile, goes live.
     */
    ready() {
      started ??= startWithRetry().then((failedFirst) => {
        if (failedFirst) {
          onReconnected();
        }
      });
      return started;
    },
    /** Resolves with true once connected, or with false as soon as the first attempt failed (the page reads over HTTP meanwhile). */
    settled() {
      if (connection.state === signalR.HubConnectionState.Connected) {
        return Promise.resolve(true);
      }
      return Promise.race([this.ready().then(() => true), firstFailure]);
    },
  };
}

/**
 * What a failed hub call means: { code, message }. The server starts each error it explains with a
 * stable code ("table-not-found: There is no table…"); the page branches on the code and shows the
 * rest. Errors the page raises itself carry their code (an upload cancelled here: "upload-cancelled");
 * a connection that is down is "unreachable".
 */
export function describeError(error) {
  if (typeof error?.code === "string") {
    return { code: error.code, message: String(error.message ?? "") };
  }
  const text = String(error?.message ?? error ?? "");
  const marker = "HubException: ";
  const at = text.indexOf(marker);
  if (at >= 0) {
    const explained = /^([a-z]+(?:-[a-z]+)*): ([\s\S]*)$/.exec(text.slice(at + marker.length));
    return explained ? { code: explained[1], message: explained[2] } : { code: "error", message: text.slice(at + marker.length) };
  }
  if (/connection|websocket|network|disconnected|not in the 'Connected' State/i.test(text)) {
    return { code: "unreachable", message: "The server cannot be reached right now. Check your connection; TsvLive keeps trying." };
  }
  return { code: "error", message: text || "Something went wrong. Try again." };
}

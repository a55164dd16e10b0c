// The SignalR connection: reconnects forever with back-off, and reports its state.

/* global signalR */

const retryDelays = [0, 1000, 2000, 5000, 10000, 15000, 30000];

function nextDelay(attempt) {
  return retryDelays[Math.min(attempt, retryDelays.length - 1)];
}

/**
 * Creates the connection. onState gets "connecting", "connected", "reconnecting" or "disconnected";
 * onReconnected runs after the connection came back (watch tables again, reload pages).
 */
export function createHub({ onState, onReconnected }) {
  // WebSockets only, without a negotiate request: behind a load balancer the connection is one
  // request to one instance, so no sticky sessions are needed (docs/architecture.md).
  const builder = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/tables", { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => nextDelay(context.previousRetryCount) })
    .configureLogging(signalR.LogLevel.Warning);
  // MessagePack sends upload chunks as bytes; JSON (base64 chunks) is the fallback.
  const binary = Boolean(signalR.protocols?.msgpack);
  if (binary) {
    builder.withHubProtocol(new signalR.protocols.msgpack.MessagePackHubProtocol());
  }
  const connection = builder.build();

  let started = null;

  async function startWithRetry() {
    for (let attempt = 0; ; attempt++) {
      try {
        onState(attempt === 0 ? "connecting" : "disconnected");
        await connection.start();
        onState("connected");
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, nextDelay(attempt + 1)));
      }
    }
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
    /** Resolves once connected (waiting through retries). */
    ready() {
      started ??= startWithRetry();
      return started;
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

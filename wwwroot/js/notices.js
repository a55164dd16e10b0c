// One notice at a time: a new one replaces the last, each can be dismissed, and news fades on its
// own after a while (an error stays until it is dismissed or replaced).

const fadeAfterMs = 10_000;

/**
 * Shows notices in `element`. show(text, { kind, lasting, key, action })
 * kind: "info" (fades) or "error" (stays); lasting: an info notice that stays (something under way);
 * action: { label, run } a button the notice offers (the notice then stays until dismissed).
 */
export function createNotices(element) {
  const text = document.createElement("span");
  text.className = "notice-text";
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "dismiss";
  dismiss.setAttribute("aria-label", "Dismiss");
  dismiss.addEventListener("click", () => clear());
  const action = document.createElement("button");
  action.type = "button";
  action.className = "button action";
  action.hidden = true;
  let run = null;
  action.addEventListener("click", () => run?.());
  element.replaceChildren(text, action, dismiss);
  let fading = null;

  function clear() {
    clearTimeout(fading);
    fading = null;
    element.hidden = true;
    text.textContent = "";
    delete element.dataset.key;
  }

  return {
    /** key names what the notice is about, so that a later event can clear just that notice. */
    show(words, { kind = "info", lasting = false, key = "", action: offered = null } = {}) {
      clearTimeout(fading);
      text.textContent = words;
      action.hidden = offered === null;
      action.textContent = offered?.label ?? "";
      run = offered?.run ?? null;
      element.dataset.kind = kind;
      element.dataset.key = key;
      element.setAttribute("role", kind === "error" ? "alert" : "status");
      element.hidden = false;
      fading = kind === "info" && !lasting && offered === null ? setTimeout(clear, fadeAfterMs) : null;
    },
    clear,
    /** Clears the notice if it is the one shown under `key`. */
    clearIf(key) {
      if (!element.hidden && element.dataset.key === key) {
        clear();
      }
    },
  };
}

// Edit keys this browser holds, by table id. An edit link carries the key in its fragment
// (#key=...); it is stored here and taken out of the address bar so it is not shared by accident.

const prefix = "tsvlive.editKey.";

export function rememberEditKey(id, key) {
  try {
    localStorage.setItem(prefix + id, key);
  } catch {
    // Storage may be off (private mode): the key then lasts as long as the page.
  }
}

/** Drops a key the server refused, so that "Copy edit link" never hands it on. */
export function forgetEditKey(id) {
  try {
    localStorage.removeItem(prefix + id);
  } catch {
    // nothing stored
  }
}

export function editKeyFor(id) {
  try {
    return localStorage.getItem(prefix + id);
  } catch {
    return null;
  }
}

/** Takes #key=... from the address, remembers it, and returns the key known for the table (or null). */
export function takeEditKeyFromAddress(id) {
  const match = /^#key=([A-Za-z0-9_-]{16,128})$/.exec(location.hash);
  if (match) {
    rememberEditKey(id, match[1]);
    history.replaceState(history.state, "", location.pathname + location.search);
  }
  return editKeyFor(id);
}

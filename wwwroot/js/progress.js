// A progress bar with the file's name, percent, bytes, speed and a Cancel button.

import { formatBytes, formatCount } from "./format.js";

export function createProgress(slot, label, onCancel, fileName) {
  const box = document.createElement("div");
  box.className = "progress";
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute("aria-label", label);
  const name = document.createElement("span");
  name.className = "progress-name";
  name.textContent = fileName;
  const text = document.createElement("span");
  text.className = "progress-text";
  text.setAttribute("aria-live", "polite");
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "button";
  cancel.textContent = "Cancel";
  cancel.setAttribute("aria-label", `Cancel uploading ${fileName}`);
  cancel.addEventListener("click", onCancel);
  box.append(name, bar, cancel, text);
  slot.replaceChildren(box);

  return {
    update({ confirmed, total, bytesPerSecond, rows, finishing }) {
      const percent = total > 0 ? Math.min(100, Math.floor((confirmed / total) * 100)) : 100;
      bar.value = percent;
      text.textContent = `${percent}% · ${formatBytes(confirmed)} of ${formatBytes(total)} · ${formatBytes(bytesPerSecond)}/s · ${formatCount(rows)} rows`;
      if (finishing) {
        // The whole file is on its way and the server will keep it: Cancel would no longer be true.
        cancel.hidden = true;
        text.textContent += " · finishing";
      }
    },
    message(words) {
      text.textContent = words;
    },
    remove() {
      slot.replaceChildren();
    },
  };
}

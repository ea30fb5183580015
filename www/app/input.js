// Input: the text area, samples, files and drops.

import { TEXTAREA_LIMIT, TYPING_DELAY_MS, $, el } from "./page.js";
import { bytes } from "./format.js";
import { lastInput, analyze, showEmpty, showError } from "./job.js";

export let typingTimer = 0;
/** Counts inputs, so that a sample or file still loading is dropped when another input came. */
export let inputSeq = 0;

el.input.addEventListener("input", () => {
  inputSeq += 1;
  clearTimeout(typingTimer);
  el.sample.value = "";
  el.file.value = "";
  typingTimer = setTimeout(() => {
    const text = el.input.value;
    el.sourceNote.textContent = "";
    if (text.trim() === "") showEmpty();
    else analyze(new Blob([text]), { name: "input", label: "your input", inTextarea: true, text });
  }, TYPING_DELAY_MS);
});

export async function loadSample(name) {
  const seq = ++inputSeq;
  clearTimeout(typingTimer);
  el.file.value = "";
  const file = `${name}.json`;
  el.progressText.textContent = `Loading the sample ${file}…`;
  const res = await fetch(`samples/${file}`);
  if (seq !== inputSeq) return;
  if (!res.ok) {
    showError(`the sample ${file} did not load (HTTP ${res.status})`);
    return;
  }
  const fetched = await res.text();
  if (seq !== inputSeq) return;
  el.input.value = fetched;
  const text = el.input.value;
  el.input.scrollTop = 0;
  el.sourceNote.textContent = `The bundled sample ${file}; edit it, paste your own runs, or open a file.`;
  analyze(new Blob([text]), { name: file, label: `the sample ${file}`, inTextarea: true, text, sample: true });
}

el.warningIsFailure.addEventListener("change", () => {
  if (lastInput) analyze(lastInput.blob, lastInput.src);
});

el.sample.addEventListener("change", () => {
  if (el.sample.value) loadSample(el.sample.value).catch((e) => showError(e.message));
});

/** A picked or dropped file: checked from its bytes; shown in the text area when small. */
export async function openFile(file) {
  const seq = ++inputSeq;
  clearTimeout(typingTimer);
  el.sample.value = "";
  const label = file.name;
  let text = null;
  if (file.size <= TEXTAREA_LIMIT) {
    text = await file.text();
    if (seq !== inputSeq) return;
    el.input.value = text;
    text = el.input.value; // as the text area holds it (line breaks become "\n")
    el.input.scrollTop = 0;
    el.sourceNote.textContent = `${file.name} (${bytes(file.size)}); edit it here to check it again.`;
  } else {
    el.input.value = "";
    el.sourceNote.textContent =
      `${file.name} (${bytes(file.size)}) is checked straight from the file; it is too large to show here. ` +
      `Type or paste here to check text instead.`;
  }
  analyze(file, { name: file.name, label, inTextarea: text !== null, text });
}

el.file.addEventListener("change", () => {
  const file = el.file.files?.[0];
  if (file) openFile(file).catch((e) => showError(e.message));
});

// Files dropped anywhere on the page. Text dropped into the text area keeps its usual meaning.
export let dragDepth = 0;
export const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes("Files");
window.addEventListener("dragenter", (e) => {
  if (!hasFiles(e)) return;
  dragDepth += 1;
  el.dropOverlay.hidden = false;
});
window.addEventListener("dragleave", (e) => {
  if (!hasFiles(e)) return;
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) el.dropOverlay.hidden = true;
});
window.addEventListener("dragover", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = "copy";
});
window.addEventListener("drop", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth = 0;
  el.dropOverlay.hidden = true;
  const file = e.dataTransfer.files[0];
  if (file) {
    el.file.value = "";
    openFile(file).catch((e) => showError(e.message));
  }
});

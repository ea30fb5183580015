// Normalized runs

import { PREVIEW_BYTES, $, el } from "./page.js";
import { count, bytes, h } from "./format.js";
import { blobsOf, shown } from "./job.js";

export function outputFormat() {
  return document.querySelector('input[name="format"]:checked').value;
}

export function renderOutput() {
  const out = shown?.output;
  const fmt = outputFormat();
  // While only the summary has come, the section shows a note, not this source's runs.
  el.normalized.dataset.source = shown?.early ? "" : shown?.source?.name ?? "";
  el.normalized.dataset.format = fmt;
  if (!out) {
    el.output.textContent = "";
    el.copy.disabled = el.download.disabled = true;
    el.outputStatus.textContent = shown?.outputNote ?? "";
    return;
  }
  // The worker sends the size and the first PREVIEW_BYTES of each format with the result.
  const size = out.size[fmt];
  let text = out.preview[fmt];
  const partial = size > PREVIEW_BYTES;
  if (partial) text = text.slice(0, text.lastIndexOf("\n") + 1);
  el.output.textContent = text;
  el.copy.disabled = el.download.disabled = false;
  el.outputStatus.textContent =
    `${count(out.runs)} run${out.runs === 1 ? "" : "s"}, ${bytes(size)}` +
    (partial ? ` — the preview shows the first ${bytes(text.length)}; copy or download for all of it.` : ".");
}

for (const radio of document.querySelectorAll('input[name="format"]')) {
  radio.addEventListener("change", renderOutput);
}

export function outputName() {
  const base = (shown?.source?.name ?? "runs").replace(/\.(json|ndjson|jsonl|txt)$/i, "");
  return `${base}.normalized.${outputFormat()}`;
}

/** The Blob of the output in `fmt`, once the worker has sent it (a moment after the result). */
function outputBlob(out, fmt) {
  return blobsOf(out.job).then((b) => b[fmt]);
}

el.copy.addEventListener("click", async () => {
  const out = shown?.output;
  if (!out) return;
  const fmt = outputFormat();
  try {
    // A promised item: the click's user activation holds while the Blob comes.
    const text = outputBlob(out, fmt).then((blob) => new Blob([blob], { type: "text/plain" }));
    await navigator.clipboard.write([new ClipboardItem({ "text/plain": text })]);
    el.outputStatus.textContent = `Copied ${count(out.runs)} runs as ${fmt.toUpperCase()} (${bytes(out.size[fmt])}).`;
  } catch (e) {
    el.outputStatus.textContent = `Copying failed (${e?.message ?? e}); use Download instead.`;
  }
});

el.download.addEventListener("click", async () => {
  const out = shown?.output;
  if (!out) return;
  const name = outputName();
  const blob = await outputBlob(out, outputFormat());
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  el.outputStatus.textContent = `Downloading ${name} (${bytes(blob.size)}).`;
});

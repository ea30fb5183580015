// Normalized runs

import { PREVIEW_BYTES, $, el } from "./page.js";
import { count, bytes, h } from "./format.js";
import { shown } from "./job.js";

export let previewToken = 0;

export function outputFormat() {
  return document.querySelector('input[name="format"]:checked').value;
}

export async function renderOutput() {
  const token = ++previewToken;
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
  const blob = out[fmt];
  let text = await blob.slice(0, PREVIEW_BYTES).text();
  if (token !== previewToken) return;
  const partial = blob.size > PREVIEW_BYTES;
  if (partial) text = text.slice(0, text.lastIndexOf("\n") + 1);
  el.output.textContent = text;
  el.copy.disabled = el.download.disabled = false;
  el.outputStatus.textContent =
    `${count(out.runs)} run${out.runs === 1 ? "" : "s"}, ${bytes(blob.size)}` +
    (partial ? ` — the preview shows the first ${bytes(text.length)}; copy or download for all of it.` : ".");
}

for (const radio of document.querySelectorAll('input[name="format"]')) {
  radio.addEventListener("change", renderOutput);
}

export function outputName() {
  const base = (shown?.source?.name ?? "runs").replace(/\.(json|ndjson|jsonl|txt)$/i, "");
  return `${base}.normalized.${outputFormat()}`;
}

el.copy.addEventListener("click", async () => {
  const blob = shown?.output?.[outputFormat()];
  if (!blob) return;
  try {
    await navigator.clipboard.write([new ClipboardItem({ "text/plain": new Blob([blob], { type: "text/plain" }) })]);
    el.outputStatus.textContent = `Copied ${count(shown.output.runs)} runs as ${outputFormat().toUpperCase()} (${bytes(blob.size)}).`;
  } catch (e) {
    el.outputStatus.textContent = `Copying failed (${e?.message ?? e}); use Download instead.`;
  }
});

el.download.addEventListener("click", () => {
  const blob = shown?.output?.[outputFormat()];
  if (!blob) return;
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: outputName() });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  el.outputStatus.textContent = `Downloading ${outputName()} (${bytes(blob.size)}).`;
});

// The workers and the current job. Every input starts a new job; results of older jobs are
// dropped, and the workers stop reading them.

import { PREVIEW_BYTES, $, el } from "./page.js";
import { count, percent, bytes, h } from "./format.js";
import { renderSummary } from "./summary.js";
import { health, startHealth, showHealthEmpty, renderHealth } from "./health.js";
import { renderIssues } from "./issues.js";
import { renderOutput } from "./output.js";
import { plotBox, clearCharts, caption, chartSteps, durationsStep } from "./charts.js";

const workerUrl = new URL("../worker.js", import.meta.url);
/** Reads the summary (and, alone, the runs too). */
export const worker = new Worker(workerUrl, { type: "module" });
/**
 * Reads the runs (chart, normalized output) at the same time on another core, when there is
 * one; `?workers=1` in the page's address keeps to one worker.
 */
const runsWorker =
  (navigator.hardwareConcurrency ?? 1) > 1 && new URLSearchParams(location.search).get("workers") !== "1"
    ? new Worker(workerUrl, { type: "module" })
    : null;
/** The package on this thread, for checkHealth only; null until it has loaded. */
export let pkg = null;
export const pkgLoaded = import("/pkg/browser.js").then((m) => {
  pkg = m;
});
export let job = 0;
/** What the current job reads: { name, label, inTextarea, text } (text: what the area held). */
export let source = null;
/**
 * The last result shown: { summary, output, outputNote, chart, format, bytes, ms, source, job,
 * early }; `early` while only the summary has come (output and chart are still being read).
 */
export let shown = null;
/** The output's Blobs of one job ({ json, ndjson }), which the worker sends after the result. */
let blobs = { job: -1, promise: null, resolve: null };

/** The promise of job `j`'s output Blobs, made when first asked for or sent. */
export function blobsOf(j) {
  if (blobs.job !== j) {
    let resolve;
    const promise = new Promise((r) => (resolve = r));
    blobs = { job: j, promise, resolve };
  }
  return blobs.promise;
}

/** A result that came before its summary was on screen (the other worker, or the package loading). */
let pendingResult = null;
/** The runs pass's latest progress (the other worker's), shown once the summary is. */
let runsProgress = null;

for (const w of [worker, runsWorker]) {
  w?.addEventListener("message", (event) => {
    const msg = event.data;
    if (msg.type === "ready") return;
    if (msg.job !== job && msg.job !== 0) return;
    if (msg.type === "progress") {
      // Until the summary is shown, its pass is the progress; then the runs'.
      const summaryShown = shown?.job === job;
      if (msg.pass === "runs") runsProgress = msg;
      if ((msg.pass === "runs") === summaryShown) showProgress(msg);
    } else if (msg.type === "summary") showSummary(msg);
    else if (msg.type === "result") showResult(msg);
    else if (msg.type === "blobs") {
      blobsOf(msg.job);
      blobs.resolve(msg);
    } else if (msg.type === "error") showError(msg.message);
  });
  w?.addEventListener("error", (event) => {
    event.preventDefault();
    showError(`the worker stopped (${event.message || "it could not load"})`);
  });
}

/** The package options the page offers (SPEC §8). */
export function options() {
  return { warningIsFailure: el.warningIsFailure.checked };
}

export let lastInput = null;

/** Starts checking `blob`, described by `src`. */
export function analyze(blob, src) {
  lastInput = { blob, src };
  health.src = src;
  job += 1;
  source = { ...src, size: blob.size };
  for (const sec of el.results) sec.setAttribute("aria-busy", "true");
  el.progress.dataset.state = "running";
  el.progressBar.max = Math.max(blob.size, 1);
  el.progressBar.value = 0;
  el.progressText.textContent = `Reading ${src.label}…`;
  const message = { type: "analyze", job, blob, options: options(), preview: PREVIEW_BYTES };
  if (runsWorker) {
    // The summary worker reads the file and hands each slice on to the runs worker.
    const { port1, port2 } = new MessageChannel();
    worker.postMessage({ ...message, passes: "summary", port: port1 }, [port1]);
    runsWorker.postMessage({ ...message, passes: "runs", port: port2 }, [port2]);
  } else {
    worker.postMessage({ ...message, passes: "both" });
  }
}

/** No input: back to the page's first state. */
export function showEmpty() {
  job += 1;
  shown = null;
  lastInput = null;
  clearCharts();
  for (const sec of el.results) sec.removeAttribute("aria-busy");
  el.progress.dataset.state = "idle";
  el.progressBar.value = 0;
  el.progressText.textContent = "Waiting for input.";
  const empty = (text) => h("p", { class: "empty", text });
  el.summary.dataset.source = el.issues.dataset.source = "";
  el.summary.replaceChildren(h("h2", { id: "summary-title", text: "Summary" }), empty("No input yet: paste runs, open a file or choose a sample."));
  el.issues.replaceChildren(h("h2", { id: "issues-title", text: "Issues" }), empty("No input yet."));
  showHealthEmpty();
  for (const id of ["chart-durations", "chart-daily", "chart-rows"]) {
    caption($(id), "");
    plotBox($(id)).replaceChildren();
  }
  renderOutput();
}

export function showProgress({ pass, bytes: done, total, runs }) {
  el.progressBar.max = Math.max(total, 1);
  el.progressBar.value = done;
  const pct = total > 0 ? ` (${Math.floor((done / total) * 100)}%)` : "";
  const found = runs === null ? "" : `, ${count(runs)} runs`;
  // The second pass reads the runs themselves, for the durations chart and the normalized output.
  const what = pass === "runs" ? `the runs of ${source.label}` : source.label;
  el.progressText.textContent = `Reading ${what}: ${bytes(done)} of ${bytes(total)}${pct}${found}`;
}

export function showError(message) {
  for (const sec of el.results) sec.removeAttribute("aria-busy");
  el.progress.dataset.state = "error";
  el.progressText.textContent = `Could not check the input: ${message}`;
}

/** The steps waiting to run, all of job `queued`, and whether a task chain is running them. */
let queue = [];
let queued = 0;
let running = false;

/**
 * Runs `steps` one per task, so that no task holds the page for long (a big input gives 1000
 * issues and thousands of chart points), after any steps of the same job still waiting (the
 * result's come after the summary's); a newer job stops the rest.
 */
export function inTasks(forJob, steps) {
  if (queued !== forJob) {
    queue = [];
    queued = forJob;
  }
  queue.push(...steps);
  if (running) return;
  running = true;
  const next = () => {
    if (queued !== job || queue.length === 0) {
      running = false;
      return;
    }
    const step = queue.shift();
    // Scheduled first: a step that throws does not stop the chain (nor every later job's).
    setTimeout(next, 0);
    step();
  };
  next();
}

/** Runs `f` once the package has loaded on this thread (for checkHealth), if `msg` is still current. */
function withPackage(msg, f) {
  if (pkg !== null) return true;
  pkgLoaded.then(() => {
    if (msg.job === job) f(msg);
  }, (e) => showError(`the syncrun package did not load: ${e?.message ?? e}`));
  return false;
}

/**
 * The summary has come (the worker's first pass): the figures, health, issues and the daily
 * charts are shown now; the durations chart and the normalized output wait for the result.
 */
export function showSummary(msg) {
  if (!withPackage(msg, showSummary)) return;
  shown = { summary: msg.summary, output: null, outputNote: "Reading the runs…", chart: null, format: null,
    bytes: msg.bytes, ms: msg.ms, source, job: msg.job, early: true };
  const s = msg.summary;
  // The bar goes on with the runs pass: where the other worker has got to, or its start.
  showProgress(runsProgress?.job === msg.job ? runsProgress : { pass: "runs", bytes: 0, total: msg.bytes, runs: null });
  startHealth(s);
  inTasks(msg.job, [
    () => renderSummary(s),
    () => renderHealth(),
    () => renderIssues(s),
    () => renderOutput(),
    ...chartSteps(),
  ]);
  if (pendingResult?.job === msg.job) showResult(pendingResult);
}

/** The runs have come (the durations chart's points, the normalized output), after the summary. */
export function showResult(msg) {
  if (!(shown?.early && shown.job === msg.job)) {
    pendingResult = msg;
    return;
  }
  pendingResult = null;
  const s = shown.summary;
  // The output's Blobs follow in a "blobs" message: copy and download wait for them (blobsOf).
  shown = { ...shown, ...msg, output: msg.output && { ...msg.output, job: msg.job }, summary: s, early: false };
  el.progressBar.max = Math.max(msg.bytes, 1);
  el.progressBar.value = msg.bytes;
  // The time only means something for big inputs (and small ones keep a steady text).
  const took = msg.bytes >= 1e6 ? ` in ${(msg.ms / 1000).toFixed(1)} s` : "";
  el.progressText.textContent = `Checked ${source.label}: ${bytes(msg.bytes)}, ${count(s.records)} records${took}.`;
  inTasks(msg.job, [
    () => renderOutput(),
    durationsStep,
    () => {
      for (const sec of el.results) sec.removeAttribute("aria-busy");
      el.progress.dataset.state = "done";
      el.announce.textContent =
        `Checked ${source.label}: ${count(s.records)} records, ${count(s.valid)} valid, ${count(s.invalid)} invalid; success rate ${percent(s.successRate)}` +
        (health.result ? `; health ${health.result.status}.` : ".");
    },
  ]);
}

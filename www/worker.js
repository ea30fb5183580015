// The demo's Web Worker: all reading and checking happens here, so the page stays responsive
// with inputs of hundreds of megabytes.
//
// An input arrives as a Blob (a picked or dropped File, or the text area's text) and is read in
// 1 MiB slices, twice, by two of the package's streams (SPEC §7):
// - first `SummaryStream`, whose `finish()` is exactly `summarizeRuns` of the whole input: the
//   summary is posted ("summary") as soon as the last slice is in, so that the page shows the
//   figures, the issues and the health of a big file while the runs are still being read;
// - then `NormalizeStream`, which hands out the valid, de-duplicated runs (for the durations
//   chart and the normalized output) as each slice completes them, NDJSON or one JSON document
//   alike, and says which of the two the package read (SPEC §1); then "result". Only the
//   normalized output grows with the input.
// Progress (the pass, bytes read, runs found) is posted at most every PROGRESS_MS. A newer
// "analyze" message makes the older job stop at its next slice.

const SLICE = 1 << 20;
const PROGRESS_MS = 100;
/** About the most points in the durations chart; beyond it runs are sampled. */
const MAX_POINTS = 6000;
/** A status with at most this many runs keeps all of its points. */
const FEW = 500;

// Loaded once; messages that arrive meanwhile wait on this promise.
const pkg = import("/pkg/browser.js");
let current = 0;

self.addEventListener("message", (event) => {
  const msg = event.data;
  if (msg?.type !== "analyze") return;
  current = msg.job;
  analyze(msg).catch((e) => {
    if (msg.job === current) self.postMessage({ type: "error", job: msg.job, message: String(e?.message ?? e) });
  });
});

pkg.then(
  () => self.postMessage({ type: "ready" }),
  (e) => self.postMessage({ type: "error", job: 0, message: `the syncrun package did not load: ${e?.message ?? e}` }),
);

/**
 * The chart's group of each status, from the package's table (SPEC §2.1, in its order): the
 * first three terminal statuses (success, warning, failed) each their own, the other terminal
 * ones (cancelled, interrupted) one, the in-progress ones another.
 */
function statusGroups(sr) {
  return new Map(sr.runStatuses().map(({ status, terminal }, i) => [status, terminal ? Math.min(i, 3) : 4]));
}

/** What is kept of the valid runs (the package has left out the duplicates): chart points, output. */
class Runs {
  constructor(groups) {
    this.groups = groups;
    this.parts = [];
    this.count = 0;
    this.x = [];
    this.ms = [];
    this.group = [];
  }

  add(runs) {
    const lines = [];
    for (const run of runs) {
      lines.push(JSON.stringify(run));
      const created = Date.parse(run.createdAt);
      let duration = null;
      if (run.startedAt !== null && run.finishedAt !== null) {
        const d = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
        if (d >= 0) duration = d;
      }
      this.x.push(created);
      this.ms.push(duration);
      this.group.push(this.groups.get(run.status) ?? 4);
    }
    this.count += lines.length;
    if (lines.length > 0) this.parts.push(lines.join("\n") + "\n");
  }

  /** Forget every run (the text turned out unreadable as a whole). */
  clear() {
    this.parts = [];
    this.count = 0;
    this.x = [];
    this.ms = [];
    this.group = [];
  }

  /** The normalized runs as NDJSON and as a JSON array (one run per line). */
  outputs() {
    const ndjson = new Blob(this.parts, { type: "application/x-ndjson" });
    const body = [];
    for (const part of this.parts) {
      if (body.length > 0) body.push(",\n");
      // JSON.stringify never writes a raw newline, so every "\n" in a part separates runs.
      body.push(part.slice(0, -1).replaceAll("\n", ",\n"));
    }
    const json = new Blob(body.length ? ["[\n", ...body, "\n]\n"] : ["[]\n"], { type: "application/json" });
    this.parts = [];
    return { ndjson, json, runs: this.count };
  }

  /**
   * Points for the durations chart, ascending by creation time: x (seconds), y (duration in
   * seconds) and the status group of each, as typed arrays (transferred, not copied). Runs
   * with no duration are left out; beyond MAX_POINTS each status keeps every k-th run, and a
   * status with few runs keeps them all.
   */
  chart() {
    const idx = [];
    for (let i = 0; i < this.x.length; i++) if (this.ms[i] !== null) idx.push(i);
    idx.sort((a, b) => this.x[a] - this.x[b] || a - b);
    const total = idx.length;
    let kept = idx;
    let step = 1;
    if (total > MAX_POINTS) {
      step = Math.ceil(total / MAX_POINTS);
      const sizes = [0, 0, 0, 0, 0];
      for (const i of idx) sizes[this.group[i]]++;
      const seen = [0, 0, 0, 0, 0];
      kept = idx.filter((i) => {
        const g = this.group[i];
        return sizes[g] <= FEW || seen[g]++ % step === 0;
      });
    }
    const x = new Float64Array(kept.length);
    const y = new Float64Array(kept.length);
    const group = new Uint8Array(kept.length);
    kept.forEach((i, k) => {
      x[k] = this.x[i] / 1000;
      y[k] = this.ms[i] / 1000;
      group[k] = this.group[i];
    });
    return { x, y, group, shown: kept.length, total, step };
  }
}

async function analyze({ job, blob, options }) {
  const sr = await pkg;
  if (job !== current) return;
  const t0 = performance.now();
  const total = blob.size;
  const stream = new sr.SummaryStream(options);
  // Its issues are the summary's: none are kept twice.
  const normalized = new sr.NormalizeStream({ ...options, maxIssues: 0 });
  const runs = new Runs(statusGroups(sr));
  let found = 0;
  let offset = 0;
  let lastPost = 0;
  let pass = "summary";

  const progress = (force) => {
    const now = performance.now();
    if (!force && now - lastPost < PROGRESS_MS) return;
    lastPost = now;
    const counted = pass === "runs" && normalized.format === "ndjson";
    self.postMessage({ type: "progress", job, pass, bytes: offset, total, runs: counted ? found : null, ms: now - t0 });
  };
  /** Every slice of the input in turn, null once a newer job has started. */
  async function* slices() {
    offset = 0;
    do {
      const chunk = new Uint8Array(await blob.slice(offset, offset + SLICE).arrayBuffer());
      if (job !== current) return;
      offset += chunk.length;
      yield chunk;
    } while (offset < total);
  }

  progress(true);
  try {
    for await (const chunk of slices()) {
      stream.push(chunk);
      progress(offset >= total);
    }
    if (job !== current) return;
    const summary = stream.finish();
    self.postMessage({ type: "summary", job, summary, bytes: total, ms: performance.now() - t0 });

    pass = "runs";
    lastPost = 0;
    for await (const chunk of slices()) {
      const got = normalized.push(chunk);
      runs.add(got.runs);
      found += got.runs.length;
      progress(offset >= total);
    }
    if (job !== current) return;
    const format = normalized.format ?? "json";
    const last = normalized.finish();
    // A text unreadable as a whole has no runs, as normalizeRuns would say (SPEC §1).
    if (last.records === 0) runs.clear();
    else runs.add(last.runs);
    const output = runs.outputs();
    const chart = runs.chart();
    self.postMessage({
      type: "result",
      job,
      summary,
      output,
      outputNote: null,
      chart,
      format,
      bytes: total,
      ms: performance.now() - t0,
    }, [chart.x.buffer, chart.y.buffer, chart.group.buffer]);
  } finally {
    // Also after finish(): it empties the stream, free() releases what holds it.
    stream.free();
    normalized.free();
  }
}

// The demo's Web Worker: all reading and checking happens here, so the page stays responsive
// with inputs of hundreds of megabytes.
//
// An input arrives as a Blob (a picked or dropped File, or the text area's text) and is read in
// 1 MiB slices, twice, by two of the package's streams (SPEC §7), here one after the other, or
// in two of these workers at once (`passes`) when the machine has more than one core:
// - first `SummaryStream`, whose `finish()` is exactly `summarizeRuns` of the whole input: the
//   summary is posted ("summary") as soon as the last slice is in, so that the page shows the
//   figures, the issues and the health of a big file while the runs are still being read;
// - then `NormalizeStream`, which hands out the valid, de-duplicated runs (for the durations
//   chart and the normalized output) as each slice completes them, as NDJSON text (`pushText`:
//   no object is made per run, nor written again), NDJSON or one JSON document alike, and says
//   which of the two the package read (SPEC §1); then "result". Only the normalized output
//   grows with the input.
// Progress (the pass, bytes read, runs found) is posted at most every PROGRESS_MS. A newer
// "analyze" message makes the older job stop at its next slice.

const SLICE = 1 << 20;
/** Slices of normalized text made into a Blob at a time (see `Runs.blobs`). */
const BLOB_PARTS = 8;
const PROGRESS_MS = 100;
/** About the most points in the durations chart; beyond it runs are sampled. */
const MAX_POINTS = 6000;
/** A status with at most this many runs keeps all of its points. */
const FEW = 500;

// Loaded once; messages that arrive meanwhile wait on this promise.
const pkg = import("/pkg/browser.js");
let current = 0;

/** Stops the older job's wait for slices from the other worker (see `fromPort`). */
let abortWait = null;

self.addEventListener("message", (event) => {
  const msg = event.data;
  if (msg?.type !== "analyze") return;
  current = msg.job;
  abortWait?.();
  abortWait = null;
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

/** The string value (no escapes: a status or a timestamp) at `at` in `text`, or null for `null`. */
function stringAt(text, at) {
  return text.charCodeAt(at) === 34 ? text.slice(at + 1, text.indexOf('"', at + 1)) : null;
}

/** UTF-8 bytes of `s` (most run text is ASCII: one byte a unit, no copy to count them). */
function utf8Length(s) {
  return /[^\x00-\x7f]/.test(s) ? new TextEncoder().encode(s).length : s.length;
}

/**
 * NDJSON parts (each whole lines) as the pieces of a JSON array's text, one run per line;
 * `whole`: they are all the runs (else the text stops after the last of them).
 */
function jsonPieces(parts, whole) {
  if (parts.length === 0) return [whole ? "[]\n" : "[\n"];
  const pieces = ["[\n"];
  for (const part of parts) {
    if (pieces.length > 1) pieces.push(",\n");
    // JSON.stringify never writes a raw newline, so every "\n" in a part separates runs.
    pieces.push(part.slice(0, -1).replaceAll("\n", ",\n"));
  }
  pieces.push(whole ? "\n]\n" : ",\n");
  return pieces;
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
      this.point(run.status, run.createdAt, run.startedAt, run.finishedAt);
    }
    this.count += lines.length;
    if (lines.length > 0) this.parts.push(lines.join("\n") + "\n");
  }

  /**
   * Runs as `NormalizeStream.pushText` gives them: each run's JSON and a line feed, its keys in
   * contract order (SPEC §2). The text is kept as it is; the chart's four fields are found in
   * each line without parsing it: a key's first `"key":` is the key itself, since a quote inside
   * a string value is escaped (`\"`).
   */
  addText(text) {
    if (text === "") return;
    let start = 0;
    let n = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      const s = stringAt(text, text.indexOf('"status":', start) + 9);
      const c = text.indexOf('"createdAt":', start) + 12;
      const a = text.indexOf('"startedAt":', c) + 12;
      const f = text.indexOf('"finishedAt":', a) + 13;
      this.point(s, stringAt(text, c), stringAt(text, a), stringAt(text, f));
      start = end + 1;
      n++;
    }
    this.count += n;
    this.parts.push(text);
  }

  point(status, createdAt, startedAt, finishedAt) {
    let duration = null;
    if (startedAt !== null && finishedAt !== null) {
      const d = Date.parse(finishedAt) - Date.parse(startedAt);
      if (d >= 0) duration = d;
    }
    this.x.push(Date.parse(createdAt));
    this.ms.push(duration);
    this.group.push(this.groups.get(status) ?? 4);
  }

  /** Forget every run (the text turned out unreadable as a whole). */
  clear() {
    this.parts = [];
    this.count = 0;
    this.x = [];
    this.ms = [];
    this.group = [];
  }

  /**
   * The normalized runs as NDJSON and as a JSON array (one run per line): their sizes in bytes
   * and the first `preview` bytes of each, at once; the Blobs themselves come later (`blobs`),
   * since making 100 MB of Blob takes a second (Chromium copies it to the browser process).
   */
  outputs(preview) {
    let ndjson = 0;
    for (const part of this.parts) ndjson += utf8Length(part);
    // "[\n", each run's line with ",\n" after it but the last, which has "\n]\n"; "[]\n" for none.
    const json = this.count === 0 ? 3 : ndjson + this.count + 3;
    const head = [];
    for (let n = 0, i = 0; n < preview && i < this.parts.length; i++) {
      head.push(this.parts[i]);
      n += this.parts[i].length;
    }
    const first = (text) => new TextDecoder().decode(new TextEncoder().encode(text).subarray(0, preview));
    return {
      runs: this.count,
      size: { ndjson, json },
      preview: { ndjson: first(head.join("")), json: first(jsonPieces(head, head.length === this.parts.length).join("")) },
    };
  }

  /**
   * The two Blobs of `outputs`, made a few slices' worth at a time with a task between, so that a
   * newer job does not wait for them: null once `wanted()` says they are not. The runs' text is
   * let go.
   */
  async blobs(wanted) {
    const parts = this.parts;
    this.parts = [];
    const ndjson = [];
    const json = [];
    for (let i = 0; i < parts.length; i += BLOB_PARTS) {
      const group = parts.slice(i, i + BLOB_PARTS);
      ndjson.push(new Blob(group));
      const pieces = jsonPieces(group, i + BLOB_PARTS >= parts.length);
      // Every group but the first continues the array its predecessor left open.
      json.push(new Blob(i === 0 ? pieces : pieces.slice(1)));
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (!wanted()) return null;
    }
    if (parts.length === 0) json.push(new Blob(jsonPieces(parts, true)));
    return {
      ndjson: new Blob(ndjson, { type: "application/x-ndjson" }),
      json: new Blob(json, { type: "application/json" }),
    };
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

/**
 * One job: `passes` "both" (the summary, then the runs), or only "summary" or only "runs" when
 * the page has a second worker doing the other on another core.
 */
async function analyze({ job, blob, options, preview, passes = "both", port = null }) {
  const sr = await pkg;
  if (job !== current) return;
  const t0 = performance.now();
  const total = blob.size;
  // Only the streams of this worker's passes.
  const stream = passes !== "runs" ? new sr.SummaryStream({ ...options, mergeable: false }) : null;
  // Its issues are the summary's: none are kept twice.
  const normalized = passes !== "summary" ? new sr.NormalizeStream({ ...options, maxIssues: 0 }) : null;
  const runs = new Runs(statusGroups(sr));
  let found = 0;
  let offset = 0;
  let lastPost = 0;
  let pass = "summary";

  const progress = (force) => {
    const now = performance.now();
    if (!force && now - lastPost < PROGRESS_MS) return;
    lastPost = now;
    const counted = pass === "runs" && normalized?.format === "ndjson";
    self.postMessage({ type: "progress", job, pass, bytes: offset, total, runs: counted ? found : null, ms: now - t0 });
  };
  /** Every slice of the input in turn; it stops early once a newer job has started. */
  async function* slices() {
    offset = 0;
    do {
      const chunk = new Uint8Array(await blob.slice(offset, offset + SLICE).arrayBuffer());
      if (job !== current) return;
      offset += chunk.length;
      yield chunk;
    } while (offset < total);
  }
  /**
   * The slices the summary worker read, passed on through `port` (each read from the file once:
   * two workers reading the same file slowed the summary by a fifth); null ends them.
   */
  async function* fromPort() {
    offset = 0;
    const queue = [];
    let wake = null;
    let ended = false;
    port.onmessage = (e) => {
      queue.push(e.data);
      wake?.();
    };
    abortWait = () => {
      ended = true;
      wake?.();
    };
    try {
      for (;;) {
        while (queue.length === 0 && !ended) await new Promise((resolve) => (wake = resolve));
        const chunk = queue.shift();
        if (ended || job !== current || chunk === null) return;
        offset += chunk.length;
        yield chunk;
      }
    } finally {
      port.close();
    }
  }

  try {
    if (passes !== "runs") {
      progress(true);
      for await (const chunk of slices()) {
        stream.push(chunk);
        // The stream has copied it: the runs worker can have it.
        port?.postMessage(chunk, [chunk.buffer]);
        progress(offset >= total);
      }
      if (job !== current) return;
      const summary = stream.finish();
      self.postMessage({ type: "summary", job, summary, bytes: total, ms: performance.now() - t0 });
      if (passes === "summary") return;
    }

    pass = "runs";
    lastPost = 0;
    offset = 0;
    progress(true);
    for await (const chunk of port ? fromPort() : slices()) {
      const before = runs.count;
      runs.addText(normalized.pushText(chunk).runs);
      found += runs.count - before;
      progress(offset >= total);
    }
    if (job !== current) return;
    const format = normalized.format ?? "json";
    const last = normalized.finish();
    // A text unreadable as a whole has no runs, as normalizeRuns would say (SPEC §1).
    if (last.records === 0) runs.clear();
    else runs.add(last.runs);
    const output = runs.outputs(preview);
    const chart = runs.chart();
    // The summary came in its own message (from this worker or the other).
    self.postMessage({
      type: "result",
      job,
      output,
      outputNote: null,
      chart,
      format,
      bytes: total,
      ms: performance.now() - t0,
    }, [chart.x.buffer, chart.y.buffer, chart.group.buffer]);
    // Then the Blobs to copy and download, while the page draws the result.
    const blobs = await runs.blobs(() => job === current);
    if (blobs) self.postMessage({ type: "blobs", job, ...blobs });
  } finally {
    // The runs worker's slices end here, however this pass ended.
    if (passes === "summary") {
      port?.postMessage(null);
      port?.close();
    }
    // Also after finish(): it empties the stream, free() releases what holds it.
    stream?.free();
    normalized?.free();
  }
}

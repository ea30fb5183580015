// The demo's Web Worker: all reading and checking happens here, so the page stays responsive
// with inputs of hundreds of megabytes.
//
// An input arrives as a Blob (a picked or dropped File, or the text area's text) and is read in
// 1 MiB slices:
// - every slice goes to the package's streaming summarizer (`SummaryStream.push(bytes)`,
//   SPEC §7), whose `finish()` is exactly `summarizeRuns` of the whole input;
// - the runs themselves (for the durations chart and the normalized output) come from
//   `normalizeRuns`: for NDJSON on the whole lines of each slice as it arrives, so only the
//   normalized output grows with the input; for one JSON document (array or envelope) on the
//   whole text, when it is at most JSON_LIMIT bytes.
// Progress (bytes read, runs found) is posted at most every PROGRESS_MS. A newer "analyze"
// message makes the older job stop at its next slice.

const SLICE = 1 << 20;
const JSON_LIMIT = 20e6;
const PROGRESS_MS = 100;
/** About the most points in the durations chart; beyond it runs are sampled. */
const MAX_POINTS = 6000;
/** A status with at most this many runs keeps all of its points. */
const FEW = 500;

const STATUS_GROUP = {
  success: 0, warning: 1, failed: 2, cancelled: 3, interrupted: 3,
  queued: 4, querying: 4, processing: 4, reporting: 4,
};

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

function concat(a, b) {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const isBlankByte = (b) => b === 0x20 || b === 0x09 || b === 0x0d;

function blank(bytes, from, to) {
  for (let i = from; i < to; i++) if (!isBlankByte(bytes[i])) return false;
  return true;
}

/**
 * How the package will read the text (SPEC §1, `format: "auto"`): "ndjson" when it has more
 * than one non-blank line and the first one is a complete JSON value; "json" otherwise; null
 * while the bytes seen so far cannot tell.
 */
function detect(bytes, end, sr) {
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let firstEnd = -1;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    const lineEnd = nl < 0 ? bytes.length : nl;
    if (!blank(bytes, start, lineEnd)) {
      if (nl < 0) return end ? "json" : null;
      firstEnd = nl;
      break;
    }
    if (nl < 0) return end ? "json" : null;
    start = nl + 1;
  }
  let p = firstEnd + 1;
  let another = false;
  while (p < bytes.length) {
    const nl = bytes.indexOf(0x0a, p);
    const lineEnd = nl < 0 ? bytes.length : nl;
    if (!blank(bytes, p, lineEnd)) {
      another = true;
      break;
    }
    if (nl < 0) break;
    p = nl + 1;
  }
  if (!another) return end ? "json" : null;
  // The package itself says whether the first line is one complete JSON value.
  const first = sr.summarizeRuns(bytes.subarray(start, firstEnd), { format: "json", maxIssues: 4 });
  const broken = first.issues.some((i) => i.path === "" && (i.code === "invalid_json" || i.code === "invalid_utf8"));
  return broken ? "json" : "ndjson";
}

/** What is kept of the valid runs: ids (duplicates across segments), chart points, output. */
class Runs {
  constructor() {
    this.ids = new Set();
    this.parts = [];
    this.count = 0;
    this.x = [];
    this.ms = [];
    this.group = [];
  }

  add(runs) {
    const lines = [];
    for (const run of runs) {
      // normalizeRuns drops duplicates within one call; these are the ones across calls.
      if (this.ids.has(run.id)) continue;
      this.ids.add(run.id);
      lines.push(JSON.stringify(run));
      const created = Date.parse(run.createdAt);
      let duration = null;
      if (run.startedAt !== null && run.finishedAt !== null) {
        const d = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
        if (d >= 0) duration = d;
      }
      this.x.push(created);
      this.ms.push(duration);
      this.group.push(STATUS_GROUP[run.status] ?? 4);
    }
    this.count += lines.length;
    if (lines.length > 0) this.parts.push(lines.join("\n") + "\n");
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
  const runs = new Runs();
  const normalizeOptions = { ...options, maxIssues: 0 };
  let mode = null;
  let buf = new Uint8Array(0);
  let records = 0;
  let outputNote = null;
  let offset = 0;
  let lastPost = 0;

  const progress = (force) => {
    const now = performance.now();
    if (!force && now - lastPost < PROGRESS_MS) return;
    lastPost = now;
    self.postMessage({ type: "progress", job, bytes: offset, total, runs: mode === "ndjson" ? records : null, ms: now - t0 });
  };

  // NDJSON: normalize the whole lines in `buf`, keep the unfinished last one.
  const takeLines = (end) => {
    const cut = end ? buf.length : buf.lastIndexOf(0x0a) + 1;
    if (cut === 0) return;
    const r = sr.normalizeRuns(buf.subarray(0, cut), { ...normalizeOptions, format: "ndjson" });
    records += r.records;
    runs.add(r.runs);
    buf = buf.slice(cut);
  };

  progress(true);
  try {
    do {
      const chunk = new Uint8Array(await blob.slice(offset, offset + SLICE).arrayBuffer());
      if (job !== current) return;
      offset += chunk.length;
      const end = offset >= total;
      stream.push(chunk);
      if (mode !== "json-dropped") buf = concat(buf, chunk);
      if (mode === null) mode = detect(buf, end, sr);
      if (mode === "ndjson") takeLines(end);
      if (mode === "json" && buf.length > JSON_LIMIT) {
        mode = "json-dropped";
        buf = new Uint8Array(0);
      }
      progress(end);
    } while (offset < total);

    if (mode === "json" || mode === null) {
      const r = sr.normalizeRuns(buf, normalizeOptions);
      records = r.records;
      runs.add(r.runs);
      buf = new Uint8Array(0);
    } else if (mode === "json-dropped") {
      outputNote =
        `Normalized runs and the durations chart are made for NDJSON of any size, and for one JSON document up to ${JSON_LIMIT / 1e6} MB; ` +
        `this document is ${(total / 1e6).toFixed(1)} MB. The summary, daily charts and issues cover all of it.`;
    }
    const summary = stream.finish();
    const output = mode === "json-dropped" ? null : runs.outputs();
    const chart = mode === "json-dropped" ? null : runs.chart();
    const transfer = chart ? [chart.x.buffer, chart.y.buffer, chart.group.buffer] : [];
    self.postMessage({
      type: "result",
      job,
      summary,
      output,
      outputNote,
      chart,
      format: mode === "ndjson" ? "ndjson" : "json",
      bytes: total,
      ms: performance.now() - t0,
    }, transfer);
  } finally {
    // Also after finish(): it empties the stream, free() releases what holds it.
    stream.free();
  }
}

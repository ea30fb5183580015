// The JavaScript a user would write instead of syncrun (issue #6): a schema of a SyncRun
// (SPEC §2) in zod 4 and in JSON Schema for ajv, and one plain summary loop computing the
// BatchSummary figures (SPEC §5) over the runs that pass. Used by bench/bench.mjs (Node),
// bench/page.html (Chromium, through an import map) and tests/js/bench-agree.test.mjs.
//
// Pure ESM; "zod" and "ajv" are imported by bare name (in the page, an import map resolves them).
// The last section is the race both benchmarks run (contenders, agreement, rounds, targets); it
// takes the package module as an argument, so the same code times Node's and the browser's build.
//
// What the JavaScript contenders do not do, so that the figures they are compared on stay
// honest (see COMPARED_KEYS):
// - JSON.parse keeps the last of two equal keys; the package reports `duplicate_key`. The
//   generator never writes duplicate keys.
// - They count no issues: `errorCount`, `warningCount`, `issues` and `issuesTruncated` would need
//   every SPEC §3 check and its path, which is the package's job, not the figures' one.
// - They read arrays, envelopes and single runs, not NDJSON (the benchmark data is an envelope).

import * as z from "zod";
import Ajv from "ajv";

export const STATUSES = ["success", "warning", "failed", "cancelled", "interrupted", "queued", "querying", "processing", "reporting"];
const TERMINAL = new Set(["success", "warning", "failed", "cancelled", "interrupted"]);
const SUCCEEDED = new Set(["success", "warning"]);
const IN_PROGRESS = new Set(["queued", "querying", "processing", "reporting"]);
/** Statuses for which `startedAt` may be null or missing (SPEC §2). */
const MAY_NOT_START = new Set(["queued", "cancelled"]);
const STATUS_SET = new Set(STATUSES);

// ---------------------------------------------------------------------------------------------
// Field helpers shared by both schemas.

// White space as String.prototype.trim removes it (SPEC §2): WhiteSpace and LineTerminator,
// so U+FEFF but not U+0085 (which Unicode White_Space, and Rust's `str::trim`, has).
const WS = "\\t-\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const CONTROL = "\\x00-\\x1f\\x7f-\\x9f";
const TRIM_RE = new RegExp(`^[${WS}]+|[${WS}]+$`, "gu");
const BLANK_RE = new RegExp(`^[${WS}]*$`, "u");

/** `s` trimmed of Unicode white space (SPEC §2). */
export function trimWs(s) {
  return s.replace(TRIM_RE, "");
}

/** An id string after trimming: 1–64 code points, no control characters (SPEC §2). */
const ID_RE = new RegExp(`^[^${CONTROL}]{1,64}$`, "u");
/** The same as one JSON Schema pattern on the untrimmed string (ajv compiles it with the `u` flag). */
const ID_PATTERN = `^[${WS}]*(?:[^${WS}${CONTROL}]|[^${WS}${CONTROL}][^${CONTROL}]{0,62}[^${WS}${CONTROL}])[${WS}]*$`;

/** ASCII-only lower case: SPEC §2.1 statuses are ASCII case-insensitive (no Unicode folding). */
function asciiLower(s) {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (c) => c.toLowerCase()) : s;
}

/** The lowercase status of `v`, or null when it is none of the 9. */
function readStatus(v) {
  if (typeof v !== "string") return null;
  const s = asciiLower(trimWs(v));
  return STATUS_SET.has(s) ? s : null;
}

const TS_RE = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d\d):(\d\d))$/;
const MIN_MS = -62135596800000; // 0001-01-01T00:00:00.000Z
const END_MS = 253402300800000; // 10000-01-01T00:00:00.000Z

function daysInMonth(y, m) {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * An RFC 3339 timestamp (SPEC §2.2) as milliseconds since the epoch, truncated; NaN when it is
 * not one. (Date.parse accepts far more than RFC 3339 and zod's `z.iso.datetime` far less: no
 * `t`, `z` or space separator.)
 */
export function parseTimestamp(s) {
  if (typeof s !== "string") return NaN;
  const m = TS_RE.exec(s);
  if (m === null) return NaN;
  const y = +m[1], mo = +m[2], d = +m[3], h = +m[4], mi = +m[5], se = +m[6];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || se > 59) return NaN;
  let offset = 0;
  if (m[8] !== undefined) {
    const oh = +m[9], om = +m[10];
    if (oh > 23 || om > 59) return NaN;
    offset = (m[8] === "-" ? -1 : 1) * (oh * 60 + om) * 60000;
  }
  const ms = m[7] === undefined ? 0 : +(m[7] + "00").slice(0, 3);
  const t = daysFromCivil(y, mo, d) * 86400000 + ((h * 60 + mi) * 60 + se) * 1000 + ms - offset;
  return t >= MIN_MS && t < END_MS ? t : NaN;
}

// ---------------------------------------------------------------------------------------------
// (a) zod 4: parsing gives the run the loop needs (timestamps as milliseconds).

const zTimestamp = z.string().transform((s, ctx) => {
  const t = parseTimestamp(s);
  if (t !== t) {
    ctx.addIssue({ code: "custom", message: "expected an RFC 3339 timestamp with an offset" });
    return z.NEVER;
  }
  return t;
});
const zCount = z.int().min(0); // z.int() is a safe integer: at most 2^53 − 1
const zRows = z.object({ addedCount: zCount, changedCount: zCount, removedCount: zCount });

export const ZodSyncRun = z
  .object({
    id: z.union([z.string().overwrite(trimWs).regex(ID_RE), zCount.transform(String)]),
    status: z.preprocess((v) => (typeof v === "string" ? asciiLower(trimWs(v)) : v), z.enum(STATUSES)),
    createdAt: zTimestamp,
    startedAt: zTimestamp.nullish(),
    finishedAt: zTimestamp.nullish(),
    completionRatio: z.number().min(0).max(1),
    querySize: zCount,
    plannedRows: zRows,
    successfulRows: zRows,
    failedRows: zRows,
    error: z
      .string()
      .nullish()
      .transform((e) => (e == null || BLANK_RE.test(e) ? null : trimWs(e))),
  })
  .superRefine((r, ctx) => {
    if (r.startedAt == null && !MAY_NOT_START.has(r.status)) {
      ctx.addIssue({ code: "custom", path: ["startedAt"], message: "startedAt is required unless queued or cancelled" });
    }
    if (r.finishedAt == null && !IN_PROGRESS.has(r.status)) {
      ctx.addIssue({ code: "custom", path: ["finishedAt"], message: "finishedAt is required unless in progress" });
    }
  });

/** The run as the summary loop takes it, or null when zod rejects it. */
export function zodRun(record) {
  const r = ZodSyncRun.safeParse(record);
  if (!r.success) return null;
  const v = r.data;
  v.startedAt ??= null;
  v.finishedAt ??= null;
  return v;
}

// ---------------------------------------------------------------------------------------------
// (b) ajv: the same schema in JSON Schema (draft-07), custom formats for what JSON Schema cannot
// say (case-insensitive status, RFC 3339 with a real calendar); after validation the loop's run
// is read from the record.

const MAX_INT = Number.MAX_SAFE_INTEGER;
const jsCount = { type: "integer", minimum: 0, maximum: MAX_INT };
const jsRows = {
  type: "object",
  required: ["addedCount", "changedCount", "removedCount"],
  properties: { addedCount: jsCount, changedCount: jsCount, removedCount: jsCount },
};
const jsTimestamp = { type: "string", format: "syncrun-timestamp" };
const jsNullableTimestamp = { type: ["string", "null"], format: "syncrun-timestamp" };

export const SYNC_RUN_JSON_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "SyncRun",
  type: "object",
  required: ["id", "status", "createdAt", "completionRatio", "querySize", "plannedRows", "successfulRows", "failedRows"],
  properties: {
    id: { anyOf: [{ type: "string", pattern: ID_PATTERN }, jsCount] },
    status: { type: "string", format: "syncrun-status" },
    createdAt: jsTimestamp,
    startedAt: jsNullableTimestamp,
    finishedAt: jsNullableTimestamp,
    completionRatio: { type: "number", minimum: 0, maximum: 1 },
    querySize: jsCount,
    plannedRows: jsRows,
    successfulRows: jsRows,
    failedRows: jsRows,
    error: { type: ["string", "null"] },
  },
  allOf: [
    {
      if: { properties: { status: { type: "string", format: "syncrun-status-may-not-start" } } },
      then: true,
      else: { required: ["startedAt"], properties: { startedAt: { type: "string" } } },
    },
    {
      if: { properties: { status: { type: "string", format: "syncrun-status-in-progress" } } },
      then: true,
      else: { required: ["finishedAt"], properties: { finishedAt: { type: "string" } } },
    },
  ],
};

let ajvValidate = null;

/** The compiled ajv validator (compiled on first use). */
export function ajvValidator() {
  if (ajvValidate === null) {
    const ajv = new Ajv({ allowUnionTypes: true });
    ajv.addFormat("syncrun-status", (s) => readStatus(s) !== null);
    ajv.addFormat("syncrun-status-may-not-start", (s) => MAY_NOT_START.has(readStatus(s)));
    ajv.addFormat("syncrun-status-in-progress", (s) => IN_PROGRESS.has(readStatus(s)));
    ajv.addFormat("syncrun-timestamp", (s) => parseTimestamp(s) === parseTimestamp(s));
    ajvValidate = ajv.compile(SYNC_RUN_JSON_SCHEMA);
  }
  return ajvValidate;
}

function orNull(t) {
  return t == null ? null : parseTimestamp(t);
}

/** The run as the summary loop takes it, or null when ajv rejects it. */
export function ajvRun(record) {
  const validate = ajvValidate ?? ajvValidator();
  if (!validate(record)) return null;
  const e = record.error;
  return {
    id: typeof record.id === "number" ? String(record.id) : trimWs(record.id),
    status: readStatus(record.status),
    createdAt: parseTimestamp(record.createdAt),
    startedAt: orNull(record.startedAt),
    finishedAt: orNull(record.finishedAt),
    completionRatio: record.completionRatio,
    querySize: record.querySize,
    plannedRows: record.plannedRows,
    successfulRows: record.successfulRows,
    failedRows: record.failedRows,
    error: e == null || BLANK_RE.test(e) ? null : trimWs(e),
  };
}

// ---------------------------------------------------------------------------------------------
// The summary loop (SPEC §5), over the records of a batch and a function that checks one.

/** The records of a parsed batch (SPEC §1: array, envelope or one run) and the envelope's hasMore. */
export function readBatch(value) {
  if (Array.isArray(value)) return { records: value, hasMore: null };
  if (value !== null && typeof value === "object" && Object.hasOwn(value, "data")) {
    return {
      records: Array.isArray(value.data) ? value.data : [],
      hasMore: typeof value.hasMore === "boolean" ? value.hasMore : null,
    };
  }
  return { records: [value], hasMore: null };
}

const iso = (ms) => (ms === null ? null : new Date(ms).toISOString());

function stats(values) {
  const n = values.length;
  if (n === 0) return { count: 0, min: null, p50: null, p90: null, p95: null, p99: null, max: null, mean: null };
  const v = Float64Array.from(values).sort();
  // Nearest rank, in integers: v[ceil(P·n/100) − 1].
  const at = (p) => v[Math.floor((p * n + 99) / 100) - 1];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  return { count: n, min: v[0], p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: v[n - 1], mean: sum / n };
}

/** Code-point order (`<` on strings compares UTF-16 units, which differs above U+FFFF). */
function codePointCompare(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i), y = b.codePointAt(i);
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

const zeroRows = () => ({ added: 0, changed: 0, removed: 0, total: 0 });

function addRows(sum, r) {
  sum.added += r.addedCount;
  sum.changed += r.changedCount;
  sum.removed += r.removedCount;
}

/**
 * The BatchSummary figures of `records`, `toRun(record)` giving each valid run (id string,
 * lowercase status, timestamps as milliseconds or null, row objects, trimmed error or null) or
 * null for an invalid one.
 */
export function summarizeRecords(records, hasMore, toRun) {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  const planned = zeroRows(), successful = zeroRows(), failedRows = zeroRows();
  let valid = 0, invalid = 0, duplicates = 0, terminal = 0, succeeded = 0, failed = 0, skippedRows = 0;
  const durations = [], queued = [], querySizes = [];
  let firstCreated = Infinity, lastCreated = -Infinity;
  let latest = null, lastSuccess = null, lastSuccessPos = -1, lastFailure = null, lastTerminal = null;
  // Not-succeeded terminal runs, for failureStreak.
  const failedAt = [], failedPos = [];
  const seen = new Set();
  const groups = new Map();
  const days = new Map();

  for (let i = 0; i < records.length; i++) {
    const run = toRun(records[i]);
    if (run === null) {
      invalid++;
      continue;
    }
    if (seen.has(run.id)) {
      duplicates++;
      continue;
    }
    seen.add(run.id);
    valid++;

    const { status, createdAt, startedAt, finishedAt } = run;
    byStatus[status]++;
    const isTerminal = TERMINAL.has(status);
    const isSucceeded = SUCCEEDED.has(status);
    const isFailed = isTerminal && !isSucceeded;
    if (isTerminal) terminal++;
    if (isSucceeded) succeeded++;

    const p = run.plannedRows, s = run.successfulRows, f = run.failedRows;
    addRows(planned, p);
    addRows(successful, s);
    addRows(failedRows, f);
    skippedRows +=
      Math.max(p.addedCount - s.addedCount - f.addedCount, 0) +
      Math.max(p.changedCount - s.changedCount - f.changedCount, 0) +
      Math.max(p.removedCount - s.removedCount - f.removedCount, 0);
    const failedTotal = f.addedCount + f.changedCount + f.removedCount;
    const attempted = s.addedCount + s.changedCount + s.removedCount + failedTotal;

    if (startedAt !== null && finishedAt !== null && finishedAt >= startedAt) durations.push(finishedAt - startedAt);
    if (startedAt !== null && startedAt >= createdAt) queued.push(startedAt - createdAt);
    querySizes.push(run.querySize);
    if (createdAt < firstCreated) firstCreated = createdAt;
    if (createdAt > lastCreated) lastCreated = createdAt;

    // Most recent: latest createdAt, ties to the later position, hence `>=` in input order.
    if (latest === null || createdAt >= latest.createdAt) latest = run;
    if (isTerminal && (lastTerminal === null || createdAt >= lastTerminal.run.createdAt)) {
      lastTerminal = { run, attempted, failedTotal };
    }
    if (isSucceeded && (lastSuccess === null || createdAt >= lastSuccess.createdAt)) {
      lastSuccess = run;
      lastSuccessPos = i;
    }
    if (isFailed) {
      failed++;
      if (lastFailure === null || createdAt >= lastFailure.createdAt) lastFailure = run;
      failedAt.push(createdAt);
      failedPos.push(i);
    }

    if (run.error !== null) {
      const pattern = run.error.replace(/[0-9]+/g, "#");
      const g = groups.get(pattern);
      if (g === undefined) groups.set(pattern, { pattern, count: 1, run });
      else {
        g.count++;
        if (createdAt >= g.run.createdAt) g.run = run;
      }
    }

    const day = Math.floor(createdAt / 86400000);
    let d = days.get(day);
    if (d === undefined) {
      d = { day, runs: 0, succeeded: 0, failed: 0, attemptedRows: 0, failedRows: 0 };
      days.set(day, d);
    }
    d.runs++;
    if (isSucceeded) d.succeeded++;
    if (isFailed) d.failed++;
    d.attemptedRows += attempted;
    d.failedRows += failedTotal;
  }

  // Consecutive not-succeeded terminal runs back from the most recent terminal run: those more
  // recent than the last success.
  let failureStreak = 0;
  for (let k = 0; k < failedAt.length; k++) {
    if (lastSuccess === null || failedAt[k] > lastSuccess.createdAt || (failedAt[k] === lastSuccess.createdAt && failedPos[k] > lastSuccessPos)) {
      failureStreak++;
    }
  }

  for (const r of [planned, successful, failedRows]) r.total = r.added + r.changed + r.removed;
  const attemptedRows = successful.total + failedRows.total;
  const topErrors = [...groups.values()]
    .sort((a, b) => b.count - a.count || codePointCompare(a.pattern, b.pattern))
    .slice(0, 10)
    .map((g) => ({ pattern: g.pattern, count: g.count, lastMessage: g.run.error, lastRunId: g.run.id }));
  const daily = [...days.values()]
    .sort((a, b) => a.day - b.day)
    .map(({ day, ...d }) => ({ date: new Date(day * 86400000).toISOString().slice(0, 10), ...d }));

  return {
    records: records.length,
    valid,
    invalid,
    duplicates,
    hasMore,
    byStatus,
    terminal,
    inProgress: valid - terminal,
    succeeded,
    failed,
    successRate: terminal === 0 ? null : succeeded / terminal,
    rows: { planned, successful, failed: failedRows },
    attemptedRows,
    skippedRows,
    failureRate: attemptedRows === 0 ? null : failedRows.total / attemptedRows,
    durationMs: stats(durations),
    queuedMs: stats(queued),
    firstCreatedAt: valid === 0 ? null : iso(firstCreated),
    lastCreatedAt: valid === 0 ? null : iso(lastCreated),
    latest: latest && { id: latest.id, status: latest.status, createdAt: iso(latest.createdAt) },
    lastSuccess: lastSuccess && { id: lastSuccess.id, createdAt: iso(lastSuccess.createdAt), finishedAt: iso(lastSuccess.finishedAt) },
    lastFailure: lastFailure && {
      id: lastFailure.id,
      status: lastFailure.status,
      createdAt: iso(lastFailure.createdAt),
      finishedAt: iso(lastFailure.finishedAt),
      error: lastFailure.error,
    },
    failureStreak,
    topErrors,
    daily,
    lastTerminal: lastTerminal && terminalFigures(lastTerminal),
    querySize: stats(querySizes),
  };
}

function terminalFigures({ run, attempted, failedTotal }) {
  const { startedAt, finishedAt } = run;
  return {
    id: run.id,
    status: run.status,
    createdAt: iso(run.createdAt),
    finishedAt: iso(finishedAt),
    durationMs: startedAt !== null && finishedAt !== null && finishedAt >= startedAt ? finishedAt - startedAt : null,
    querySize: run.querySize,
    attemptedRows: attempted,
    failedRows: failedTotal,
    failureRate: attempted === 0 ? null : failedTotal / attempted,
  };
}

/** zod 4 + the loop, from JSON text (parsing included: a user must parse first). */
export function summarizeWithZod(text) {
  const { records, hasMore } = readBatch(JSON.parse(text));
  return summarizeRecords(records, hasMore, zodRun);
}

/** ajv + the loop, from JSON text (parsing included). */
export function summarizeWithAjv(text) {
  const { records, hasMore } = readBatch(JSON.parse(text));
  return summarizeRecords(records, hasMore, ajvRun);
}

// ---------------------------------------------------------------------------------------------
// Agreement.

/**
 * The BatchSummary keys compared between the package and a contender: every SPEC §5 figure
 * except the issue counts and list (see the header: the contenders do not produce issues).
 */
export const COMPARED_KEYS = [
  "records", "valid", "invalid", "duplicates", "hasMore", "byStatus", "terminal", "inProgress", "succeeded",
  "failed", "successRate", "rows", "attemptedRows", "skippedRows", "failureRate", "durationMs", "queuedMs",
  "firstCreatedAt", "lastCreatedAt", "latest", "lastSuccess", "lastFailure", "failureStreak", "topErrors", "daily",
  "lastTerminal", "querySize",
];

/**
 * Differences between two summaries on COMPARED_KEYS, as readable lines (empty when they agree).
 * Numbers must be equal, except `mean` and the rates, which may differ in the last bits if the
 * float sums run in another order (relative 1e-12).
 */
export function compareFigures(expected, actual, keys = COMPARED_KEYS) {
  const out = [];
  const walk = (a, b, path) => {
    if (out.length >= 20) return;
    if (typeof a === "number" && typeof b === "number") {
      const loose = /(mean|Rate)$/.test(path);
      const same = a === b || (loose && Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)));
      if (!same) out.push(`${path}: ${a} ≠ ${b}`);
      return;
    }
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
      if (a !== b) out.push(`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
      return;
    }
    if (Array.isArray(a) !== Array.isArray(b)) {
      out.push(`${path}: array and non-array`);
      return;
    }
    if (Array.isArray(a) && a.length !== b.length) out.push(`${path}.length: ${a.length} ≠ ${b.length}`);
    const ks = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of ks) walk(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
  };
  for (const k of keys) walk(expected[k], actual[k], k);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The race, shared by bench/bench.mjs (Node) and bench/page.html (Chromium) so that both time
// the same calls: the contenders, the agreement check, interleaved rounds, medians, targets.

/**
 * The timed contenders on one batch. `syncrun` is the package module (`import * as syncrun from
 * "syncrun"` in Node, "/pkg/browser.js" in a page); `data` holds the same batch as `text`, UTF-8
 * `bytes` and parsed `objects` (parsed once, outside any timing). Each `run` returns what it
 * computed; `valid(result)` reads its count of valid runs, checked after every timed call.
 */
export function contenders(syncrun, { text, bytes, objects, ndjson }, { chunkSize = 1 << 20 } = {}) {
  const { summarizeRuns, normalizeRuns, SummaryStream } = syncrun;
  const encoder = new TextEncoder();
  const summary = (s) => s.valid;
  return [
    { key: "parse", label: "JSON.parse(string)", run: () => JSON.parse(text), valid: () => null },
    { key: "bytes", label: "summarizeRuns(Uint8Array)", run: () => summarizeRuns(bytes), valid: summary },
    { key: "string", label: "summarizeRuns(string)", run: () => summarizeRuns(text), valid: summary },
    { key: "objects", label: "summarizeRuns(objects)", run: () => summarizeRuns(objects), valid: summary },
    {
      key: "stringify",
      label: "JSON.stringify + summarizeRuns(Uint8Array)",
      run: () => summarizeRuns(encoder.encode(JSON.stringify(objects))),
      valid: summary,
    },
    { key: "normalize", label: "normalizeRuns(Uint8Array)", run: () => normalizeRuns(bytes), valid: (r) => r.runs.length },
    // SPEC §7: the stream is for NDJSON. With `ndjson` (the same runs, one per line) it is timed
    // on that, against summarizeRuns on the same NDJSON bytes; without, on the batch's bytes.
    ...(ndjson ? [{ key: "ndjsonBytes", label: "summarizeRuns(Uint8Array), NDJSON", run: () => summarizeRuns(ndjson), valid: summary }] : []),
    {
      key: "stream",
      label: `SummaryStream${ndjson ? " of NDJSON" : ""}, ${chunkSize >= 1 << 20 ? `${chunkSize / (1 << 20)} MiB` : `${chunkSize} B`} chunks`,
      run: () => {
        const input = ndjson ?? bytes;
        const stream = new SummaryStream();
        for (let at = 0; at < input.length; at += chunkSize) stream.push(input.subarray(at, at + chunkSize));
        return stream.finish();
      },
      valid: summary,
    },
    { key: "zod", label: "zod 4 + summary loop (incl. JSON.parse)", run: () => summarizeWithZod(text), valid: summary },
    { key: "ajv", label: "ajv 8 + summary loop (incl. JSON.parse)", run: () => summarizeWithAjv(text), valid: summary },
  ];
}

/**
 * Runs every contender once, untimed, and checks that they give the same figures: the package's
 * inputs and the stream exactly the same summary as summarizeRuns(Uint8Array), issues included;
 * normalizeRuns the same counts and `valid` runs; zod and ajv the COMPARED_KEYS figures.
 * Returns the reference summary and the disagreements as readable lines (none: they agree).
 */
export function checkAgreement(list) {
  const byKey = Object.fromEntries(list.map((c) => [c.key, c]));
  const reference = byKey.bytes.run();
  const problems = [];
  // Issues carry the line and column of their text (SPEC §3): a parsed value has none, and
  // JSON.stringify writes another text than the bench's pretty one, so those two are compared
  // with positions left out (and the parsed value's must be null).
  const unplaced = (summary) => ({ ...summary, issues: summary.issues.map((i) => ({ ...i, line: null, column: null })) });
  for (const key of ["string", "objects", "stringify", "stream"]) {
    if (!byKey[key] || (key === "stream" && byKey.ndjsonBytes)) continue;
    let got = byKey[key].run();
    let expected = reference;
    if (key === "objects") expected = unplaced(reference);
    if (key === "stringify") [got, expected] = [unplaced(got), unplaced(reference)];
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      const diff = compareFigures(expected, got, Object.keys(expected));
      problems.push(`${byKey[key].label} differs from summarizeRuns(Uint8Array): ${diff.join("; ") || "key order"}`);
    }
  }
  if (byKey.ndjsonBytes) {
    // The same runs as NDJSON: the same figures (paths and hasMore differ), and the stream
    // exactly what summarizeRuns gives on the NDJSON bytes.
    const lines = byKey.ndjsonBytes.run();
    const figures = Object.keys(reference).filter((k) => !["hasMore", "issues"].includes(k));
    const diff = compareFigures(reference, lines, figures);
    if (diff.length) problems.push(`summarizeRuns on NDJSON differs from the envelope: ${diff.join("; ")}`);
    if (JSON.stringify(byKey.stream.run()) !== JSON.stringify(lines)) problems.push("SummaryStream of NDJSON differs from summarizeRuns on NDJSON");
  }
  if (byKey.normalize) {
    const n = byKey.normalize.run();
    const counts = ["records", "valid", "invalid", "duplicates", "hasMore", "errorCount", "warningCount"];
    const diff = compareFigures(reference, n, counts);
    if (n.runs.length !== reference.valid) diff.push(`runs.length: ${n.runs.length} ≠ valid ${reference.valid}`);
    if (diff.length) problems.push(`normalizeRuns(Uint8Array) differs from summarizeRuns: ${diff.join("; ")}`);
  }
  for (const key of ["zod", "ajv"]) {
    if (!byKey[key]) continue;
    const diff = compareFigures(reference, byKey[key].run());
    if (diff.length) problems.push(`${byKey[key].label} differs from summarizeRuns: ${diff.join("; ")}`);
  }
  return { reference, problems };
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

export function median(values) {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  return n === 0 ? NaN : n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/**
 * Times the contenders in `rounds` rounds after `warmup` untimed ones; each round runs every
 * contender once, starting one further along the list than the round before, so that none is
 * always first after a GC or last in a busy stretch. `gc` (if given) runs before each call.
 * Returns { key: [ms per round] }.
 */
export async function race(list, { rounds = 7, warmup = 1, gc = null, expectValid = null, onRound = () => {} } = {}) {
  const times = Object.fromEntries(list.map((c) => [c.key, []]));
  for (let r = -warmup; r < rounds; r++) {
    for (let k = 0; k < list.length; k++) {
      const c = list[(((r % list.length) + list.length) % list.length + k) % list.length];
      if (gc) gc();
      await pause();
      const t0 = performance.now();
      let result = c.run();
      const ms = performance.now() - t0;
      const valid = c.valid(result);
      if (expectValid !== null && valid !== null && valid !== expectValid) {
        throw new Error(`${c.label} found ${valid} valid runs in round ${r + 1}, expected ${expectValid}`);
      }
      result = null;
      if (r >= 0) times[c.key].push(ms);
    }
    onRound(r + 1, rounds);
  }
  return times;
}

/** Ratio of `key` to `base`: the median over rounds of their ratio within the same round. */
export function pairedRatio(times, key, base) {
  return median(times[key].map((t, i) => t / times[base][i]));
}

/** Rows of the table: median and fastest ms, MB/s of the input, ratio to JSON.parse. */
export function tableRows(list, times, inputBytes) {
  return list.map((c) => {
    const med = median(times[c.key]);
    return {
      key: c.key,
      label: c.label,
      medianMs: med,
      minMs: Math.min(...times[c.key]),
      mbPerS: inputBytes / 1e6 / (med / 1000),
      ratio: pairedRatio(times, c.key, "parse"),
    };
  });
}

/** Issue #6's speed targets: `key`'s time at most `limit` × `base`'s. */
export const SPEED_TARGETS = [
  { key: "bytes", base: "parse", limit: 0.5, name: "summarizeRuns(Uint8Array) ≤ 0.5 × JSON.parse" },
  { key: "string", base: "parse", limit: 0.7, name: "summarizeRuns(string) ≤ 0.7 × JSON.parse" },
  { key: "objects", base: "stringify", limit: 1, name: "summarizeRuns(objects) ≤ JSON.stringify + summarizeRuns(bytes)" },
  { key: "normalize", base: "parse", limit: 1, name: "normalizeRuns(Uint8Array) ≤ JSON.parse" },
  { key: "stream", base: "bytes", ndjsonBase: "ndjsonBytes", limit: 1.1, name: "SummaryStream ≤ 1.1 × summarizeRuns(Uint8Array)" },
];

export function speedTargets(times) {
  return SPEED_TARGETS.filter((t) => times[t.key] && times[t.base]).map((t) => {
    // The stream target compares like with like: NDJSON against NDJSON when both were timed.
    const base = t.ndjsonBase && times[t.ndjsonBase] ? t.ndjsonBase : t.base;
    const ratio = pairedRatio(times, t.key, base);
    const name = base === t.base ? t.name : `${t.name} (both on NDJSON)`;
    return { name, measured: `${ratio.toFixed(2)}×`, met: ratio <= t.limit };
  });
}

function pad(s, n, right = false) {
  s = String(s);
  return right ? s.padStart(n) : s.padEnd(n);
}

/** The table as text. */
export function formatTable(rows) {
  const w = Math.max(...rows.map((r) => r.label.length), 9);
  const lines = [`${pad("contender", w)}  ${pad("median ms", 10, true)}  ${pad("min ms", 9, true)}  ${pad("MB/s", 7, true)}  ${pad("× JSON.parse", 12, true)}`];
  for (const r of rows) {
    lines.push(
      `${pad(r.label, w)}  ${pad(r.medianMs.toFixed(1), 10, true)}  ${pad(r.minMs.toFixed(1), 9, true)}  ` +
        `${pad(r.mbPerS.toFixed(0), 7, true)}  ${pad(r.ratio.toFixed(2), 12, true)}`,
    );
  }
  return lines.join("\n");
}

/** Targets as text; `targets` as from speedTargets, plus any others of the same shape. */
export function formatTargets(targets) {
  const w = Math.max(...targets.map((t) => t.name.length));
  const met = targets.filter((t) => t.met).length;
  return [
    ...targets.map((t) => `  ${pad(t.name, w)}  ${pad(t.measured, 16, true)}  ${t.met ? "met" : "NOT met"}`),
    met === targets.length ? "all targets met" : `${met} of ${targets.length} targets met`,
  ].join("\n");
}

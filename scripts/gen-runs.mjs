#!/usr/bin/env node
// Deterministic generator of realistic Hightouch SyncRun data (SPEC §1, §2), for the demo's
// samples, benchmarks and tests. The same options and seed always give the same bytes.
//
//   node scripts/gen-runs.mjs --runs 100000 --format ndjson --seed 1 --malformed 0.01 --out runs.ndjson
//   node scripts/gen-runs.mjs --size 50MB --format ndjson --out big.ndjson
//   node scripts/gen-runs.mjs --help
//
// As a module: `generate(options)` gives the whole text, `records(options)` yields one JSON text
// per record, `writeRuns(options, stream)` streams to a writable. Options are those of the CLI
// in camelCase (`{ runs, seed, profile, malformed, duplicates, inProgress, format, start,
// perDay, order, hasMore, pretty, size }`).

import { createWriteStream } from "node:fs";
import { pathToFileURL } from "node:url";

export const DEFAULTS = Object.freeze({
  runs: 100,
  seed: 1,
  profile: "mixed",
  malformed: 0,
  duplicates: 0,
  inProgress: 0,
  format: "ndjson",
  start: "2024-05-01T00:00:00Z",
  perDay: 24,
  order: "asc",
  hasMore: false,
  pretty: false,
  size: 0,
});

const PROFILES = ["healthy", "mixed", "failing"];
const FORMATS = ["ndjson", "json", "envelope"];

const HELP = `Usage: node scripts/gen-runs.mjs [options]

Writes Hightouch SyncRun records (one sync, runs on a schedule) as NDJSON, a JSON array or the
API's {"data": [...], "hasMore": false} envelope. Output is deterministic for given options.

  --runs N          number of records (default ${DEFAULTS.runs}); ignored with --size
  --size BYTES      write records until they reach this size (e.g. 50MB, 1GB, 200000), counted
                    as compact JSON (--pretty output is larger)
  --seed N          seed of the pseudo-random generator (default ${DEFAULTS.seed})
  --profile P       healthy | mixed | failing (default ${DEFAULTS.profile})
                      healthy: successes and a few warnings (rejected rows)
                      mixed:   mostly successes, some failed, cancelled and interrupted runs
                      failing: like mixed, then a credentials error fails every recent run
  --malformed F     fraction (0..1) of records made invalid in one of several realistic ways
                    (unknown status, timestamp without offset, missing or legacy fields,
                    negative counts, ratio 100, empty id, string querySize, a truncated line
                    in NDJSON); default ${DEFAULTS.malformed}
  --duplicates F    fraction (0..1) of records that repeat an earlier run (duplicate_id)
  --in-progress N   the N most recent runs are still queued / processing (default 0)
  --format F        ndjson | json | envelope (default ${DEFAULTS.format})
  --start ISO       createdAt of the first scheduled run (default ${DEFAULTS.start})
  --per-day N       runs per day, evenly spaced (default ${DEFAULTS.perDay})
  --order O         asc | desc: oldest first, or newest first as the API lists them (desc holds
                    every record in memory before writing; default asc)
  --has-more        envelope: "hasMore": true
  --pretty          indent JSON and envelope output (NDJSON stays one run per line)
  --out FILE        write to FILE instead of standard output
  -h, --help        this text
`;

// ---------------------------------------------------------------------------------------------
// Pseudo-random numbers: sfc32 seeded through splitmix32, integer-only, so every platform and
// Node version gives the same sequence.

function splitmix32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function prng(seed) {
  const init = splitmix32(seed);
  let a = init(), b = init(), c = init(), d = init();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  const rnd = {
    /** Uniform in [0, 1). */
    float: () => next() / 4294967296,
    /** Uniform integer in [lo, hi]. */
    int: (lo, hi) => lo + Math.floor(rnd.float() * (hi - lo + 1)),
    chance: (p) => rnd.float() < p,
    pick: (list) => list[Math.floor(rnd.float() * list.length)],
    /** Log-normal with the given median and spread (sigma of the underlying normal). */
    logNormal: (median, sigma) => {
      const u = 1 - rnd.float();
      const v = rnd.float();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return median * Math.exp(sigma * z);
    },
  };
  return rnd;
}

// ---------------------------------------------------------------------------------------------
// Realistic runs.

// Error messages seen from warehouses and destinations. Digits vary between runs, so the
// summary's topErrors groups them (SPEC §5).
const QUERY_ERRORS = [
  (r) => `Query failed: Snowflake error ${r.pick([390114, 390114, 604])}: Authentication token has expired. The user must authenticate again.`,
  (r) => `Query timed out after ${r.pick([300, 600, 900])} seconds`,
  (r) => `BigQuery error: Exceeded rate limits: too many table update operations for this table (job ${r.int(100000, 999999)})`,
];
const DESTINATION_ERRORS = [
  (r) => `Destination rate limit: HTTP 429 from api.hubapi.com after ${r.int(3, 8)} retries`,
  (r) => `Salesforce rejected batch ${r.int(1, 40)} of 40: UNABLE_TO_LOCK_ROW`,
  (r) => `Connection reset by peer while writing batch ${r.int(1, 200)}`,
];
const EXPIRED = "Query failed: Snowflake error 390114: Authentication token has expired. The user must authenticate again.";

const iso = (ms) => new Date(ms).toISOString();

function rowCounts(added, changed, removed) {
  return { addedCount: added, changedCount: changed, removedCount: removed };
}

/** Chooses the status of scheduled run `i` of `n`. */
function chooseStatus(rnd, profile, i, n) {
  const x = rnd.float();
  if (profile === "healthy") return x < 0.96 ? "success" : "warning";
  if (profile === "failing" && i >= Math.floor(n * 0.8)) {
    // The warehouse credentials expired: almost everything fails from here on.
    return x < 0.9 ? "failed-expired" : x < 0.95 ? "cancelled" : "failed";
  }
  if (x < 0.86) return "success";
  if (x < 0.92) return "warning";
  if (x < 0.97) return "failed";
  if (x < 0.985) return "cancelled";
  return "interrupted";
}

/**
 * The run scheduled at `createdMs`, the `i`-th of `n`; `state` carries the table size and the
 * next id from one run to the next.
 */
function makeRun(rnd, state, opts, i, n, createdMs) {
  let status = chooseStatus(rnd, opts.profile, i, n);
  let error = null;
  if (status === "failed-expired") {
    status = "failed";
    error = EXPIRED;
  }

  // The source table grows a little and churns every run; the first run adds everything.
  const first = state.runs === 0;
  state.table += rnd.int(0, 40) - rnd.int(0, 8);
  const added = first ? state.table : Math.round(rnd.logNormal(120, 0.9));
  const changed = first ? 0 : Math.round(rnd.logNormal(900, 1.1));
  const removed = first ? 0 : rnd.chance(0.5) ? rnd.int(0, 30) : 0;
  const planned = rowCounts(added, changed, removed);
  const querySize = state.table;

  const queuedMs = Math.round(rnd.logNormal(1800, 0.8));
  const startedMs = createdMs + queuedMs;
  const queryMs = rnd.logNormal(25000, 0.5);
  const totalPlanned = added + changed + removed;
  let syncMs = rnd.logNormal(60000, 0.4) + totalPlanned * rnd.logNormal(4, 0.3);

  let successful = rowCounts(added, changed, removed);
  let failed = rowCounts(0, 0, 0);
  let completionRatio = 1;

  const partial = (fraction) => {
    const f = (x) => Math.floor(x * fraction);
    successful = rowCounts(f(added), f(changed), f(removed));
    completionRatio = Math.round(fraction * 10000) / 10000;
    syncMs *= fraction;
  };

  switch (status) {
    case "warning": {
      // Completed, but the destination rejected some rows.
      const rejA = Math.min(added, rnd.int(1, Math.max(1, Math.ceil(added * 0.02))));
      const rejC = Math.min(changed, rnd.int(0, Math.ceil(changed * 0.01)));
      failed = rowCounts(rejA, rejC, 0);
      successful = rowCounts(added - rejA, changed - rejC, removed);
      break;
    }
    case "failed": {
      const atDestination = error === null && rnd.chance(0.6);
      if (atDestination) {
        // Some batches went through before the destination gave up.
        error = rnd.pick(DESTINATION_ERRORS)(rnd);
        partial(rnd.float() * 0.9);
        failed = rowCounts(Math.min(added - successful.addedCount, rnd.int(1, 500)), 0, 0);
      } else {
        // The query failed: nothing reached the destination.
        error ??= rnd.pick(QUERY_ERRORS)(rnd);
        successful = rowCounts(0, 0, 0);
        completionRatio = 0;
        syncMs = 0;
      }
      break;
    }
    case "cancelled":
      error = rnd.chance(0.5) ? "Run cancelled by a user" : null;
      partial(rnd.float() * 0.7);
      break;
    case "interrupted":
      error = "Sync worker restarted; the remaining rows resume in the next run";
      partial(0.2 + rnd.float() * 0.6);
      break;
    default:
      break;
  }

  const finishedMs = startedMs + Math.round(queryMs + syncMs);
  const run = {
    id: state.nextId,
    status,
    createdAt: iso(createdMs),
    startedAt: iso(startedMs),
    finishedAt: iso(finishedMs),
    completionRatio,
    querySize,
    plannedRows: planned,
    successfulRows: successful,
    failedRows: failed,
    error,
  };
  state.nextId += 1;
  state.runs += 1;
  return run;
}

/** `run` as it looks while still queued (nothing started) or processing (some rows done). */
function toInProgress(rnd, run, status) {
  const zero = rowCounts(0, 0, 0);
  if (status === "queued") {
    return { ...run, status, startedAt: null, finishedAt: null, completionRatio: 0, querySize: 0,
      plannedRows: zero, successfulRows: zero, failedRows: zero, error: null };
  }
  const done = Math.round(rnd.float() * 6000) / 10000;
  const f = (x) => Math.floor(x * done);
  const p = run.plannedRows;
  return { ...run, status, finishedAt: null, completionRatio: done,
    successfulRows: rowCounts(f(p.addedCount), f(p.changedCount), f(p.removedCount)), failedRows: zero, error: null };
}

// The ways a record goes wrong in real payloads; each names the issue it should cause.
const MALFORMATIONS = [
  ["unknown_status", (run) => ({ ...run, status: "Completed" })],
  ["invalid_timestamp", (run) => ({ ...run, createdAt: run.createdAt.replace(/\.\d+Z$/, "") })],
  ["missing_field", (run) => { const { finishedAt, ...rest } = run; return rest; }],
  ["invalid_number", (run) => ({ ...run, failedRows: { ...run.failedRows, addedCount: -1 } })],
  ["invalid_number", (run) => ({ ...run, completionRatio: 100 })],
  ["missing_field", (run) => ({ ...run, plannedRows: { added: run.plannedRows.addedCount, changed: run.plannedRows.changedCount, removed: run.plannedRows.removedCount } })],
  ["invalid_id", (run) => ({ ...run, id: "" })],
  ["invalid_type", (run) => ({ ...run, querySize: String(run.querySize) })],
  ["invalid_timestamp", (run) => ({ ...run, startedAt: run.startedAt ? run.startedAt.replace(/^(\d{4})-\d\d-\d\d/, "$1-02-30") : "2024-02-30T00:00:00Z" })],
];

function compact(value) {
  return JSON.stringify(value);
}

/** Checks and completes options; throws a plain Error with a readable message when wrong. */
export function resolveOptions(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const fail = (m) => { throw new Error(m); };
  const count = (k) => { if (!Number.isInteger(o[k]) || o[k] < 0) fail(`--${kebab(k)} must be a whole number ≥ 0, got ${o[k]}`); };
  const fraction = (k) => { if (typeof o[k] !== "number" || !(o[k] >= 0 && o[k] <= 1)) fail(`--${kebab(k)} must be a number from 0 to 1, got ${o[k]}`); };
  count("runs"); count("seed"); count("inProgress"); count("size");
  fraction("malformed"); fraction("duplicates");
  if (!Number.isInteger(o.perDay) || o.perDay < 1 || o.perDay > 86400) fail(`--per-day must be a whole number from 1 to 86400, got ${o.perDay}`);
  if (!PROFILES.includes(o.profile)) fail(`--profile must be one of ${PROFILES.join(", ")}, got ${o.profile}`);
  if (!FORMATS.includes(o.format)) fail(`--format must be one of ${FORMATS.join(", ")}, got ${o.format}`);
  if (o.order !== "asc" && o.order !== "desc") fail(`--order must be asc or desc, got ${o.order}`);
  o.startMs = Date.parse(o.start);
  if (!/[zZ]|[+-]\d\d:\d\d$/.test(o.start) || Number.isNaN(o.startMs)) fail(`--start must be an RFC 3339 timestamp with an offset, got ${o.start}`);
  o.seed >>>= 0;
  return o;
}

function kebab(k) {
  return k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

/**
 * Yields the JSON text of each record, oldest first (`order` is applied by the writers).
 * With `size`, it goes on until `size` bytes of records have been yielded; the number of runs is
 * then unknown in advance, so the `failing` profile turns at an estimate (about 430 bytes a run).
 */
export function* records(options = {}) {
  const o = options.startMs === undefined ? resolveOptions(options) : options;
  const rnd = prng(o.seed);
  const state = { table: 40000 + (o.seed % 1000) * 10, nextId: 4817000 + (o.seed % 97) * 1000, runs: 0 };
  const stepMs = Math.round(86400000 / o.perDay);
  const n = o.size > 0 ? Math.max(1, Math.ceil(o.size / 430)) : o.runs;
  const malformable = o.format === "ndjson" ? MALFORMATIONS.length + 1 : MALFORMATIONS.length;
  const earlier = [];

  // A run becomes a record: maybe repeated from earlier, maybe malformed.
  const finish = (run) => {
    if (earlier.length > 0 && o.duplicates > 0 && rnd.chance(o.duplicates)) {
      // A page boundary moved while paging: a run already seen comes again.
      return rnd.pick(earlier);
    }
    if (o.malformed > 0 && rnd.chance(o.malformed)) {
      const k = rnd.int(0, malformable - 1);
      return k < MALFORMATIONS.length
        ? compact(MALFORMATIONS[k][1](run))
        : compact(run).slice(0, 40 + rnd.int(0, 120)); // a line cut short: invalid_json
    }
    const text = compact(run);
    if (earlier.length < 64) earlier.push(text);
    else if (rnd.chance(0.02)) earlier[rnd.int(0, 63)] = text;
    return text;
  };

  // The newest `inProgress` runs are held back until the end is known, then made in progress.
  const held = [];
  let bytes = 0;
  for (let i = 0; o.size > 0 ? bytes < o.size : i < n; i++) {
    // Scheduled on the minute, created a little later by the scheduler.
    const createdMs = o.startMs + i * stepMs + rnd.int(5, 950);
    held.push(makeRun(rnd, state, o, Math.min(i, n - 1), n, createdMs));
    if (held.length > o.inProgress) {
      const text = finish(held.shift());
      bytes += text.length + 1;
      yield text;
    }
  }
  for (let k = 0; k < held.length; k++) {
    yield finish(toInProgress(rnd, held[k], k === held.length - 1 ? "queued" : "processing"));
  }
}

/** Yields the output text in pieces of about 1 MB. */
function* pieces(o) {
  const all = o.order === "desc" ? [...records(o)].reverse() : records(o);
  const envelope = o.format === "envelope";
  // Elements of a pretty array sit 2 spaces deep, those of a pretty envelope 4.
  const depth = o.pretty ? (envelope ? "    " : "  ") : "";
  const element = (t) => (o.pretty ? depth + JSON.stringify(JSON.parse(t), null, 2).replace(/\n/g, "\n" + depth) : t);
  let buf = "";
  if (o.format === "json") buf = "[\n";
  if (envelope) buf = o.pretty ? '{\n  "data": [\n' : '{"data":[\n';
  let first = true;
  for (const t of all) {
    // Truncated lines are made only for NDJSON (see `records`), so JSON elements always parse.
    if (o.format === "ndjson") buf += t + "\n";
    else buf += (first ? "" : ",\n") + element(t);
    first = false;
    if (buf.length >= 1 << 20) {
      yield buf;
      buf = "";
    }
  }
  if (o.format === "json") buf += "\n]\n";
  if (envelope) buf += o.pretty ? `\n  ],\n  "hasMore": ${o.hasMore}\n}\n` : `\n],"hasMore":${o.hasMore}}\n`;
  if (buf) yield buf;
}

/** The whole output as one string. */
export function generate(options = {}) {
  return [...pieces(resolveOptions(options))].join("");
}

/** Streams the output to a Node writable (a file or stdout), waiting on backpressure. */
export async function writeRuns(options, stream) {
  for (const piece of pieces(resolveOptions(options))) {
    if (!stream.write(piece)) await new Promise((resolve) => stream.once("drain", resolve));
  }
}

// ---------------------------------------------------------------------------------------------
// Command line.

const SIZE_UNITS = { "": 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

export function parseArgs(argv) {
  const opts = {};
  let out = null;
  const need = (i, flag) => {
    if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
    return argv[i + 1];
  };
  const num = (v, flag) => {
    const n = Number(v);
    if (v === "" || !Number.isFinite(n)) throw new Error(`${flag} needs a number, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline = null;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = () => {
      if (inline !== null) return inline;
      const v = need(i, a);
      i += 1;
      return v;
    };
    switch (a) {
      case "-h": case "--help": return { help: true };
      case "--runs": opts.runs = num(value(), a); break;
      case "--seed": opts.seed = num(value(), a); break;
      case "--profile": opts.profile = value(); break;
      case "--malformed": opts.malformed = num(value(), a); break;
      case "--duplicates": opts.duplicates = num(value(), a); break;
      case "--in-progress": opts.inProgress = num(value(), a); break;
      case "--format": opts.format = value(); break;
      case "--start": opts.start = value(); break;
      case "--per-day": opts.perDay = num(value(), a); break;
      case "--order": opts.order = value(); break;
      case "--has-more": opts.hasMore = true; break;
      case "--pretty": opts.pretty = true; break;
      case "--out": case "-o": out = value(); break;
      case "--size": {
        const v = value();
        const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(v);
        if (!m || !(m[2].toLowerCase() in SIZE_UNITS)) throw new Error(`--size needs a size like 50MB or 1048576, got ${v}`);
        opts.size = Math.round(Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()]);
        break;
      }
      default: throw new Error(`unknown option ${a} (see --help)`);
    }
  }
  return { opts, out };
}

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs(argv);
    if (parsed.help) {
      process.stdout.write(HELP);
      return 0;
    }
    resolveOptions(parsed.opts);
  } catch (e) {
    process.stderr.write(`gen-runs: ${e.message}\n`);
    return 2;
  }
  const stream = parsed.out ? createWriteStream(parsed.out) : process.stdout;
  // A reader that stops early (`| head`) is not an error.
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(0);
    process.stderr.write(`gen-runs: ${e.message}\n`);
    process.exit(1);
  });
  await writeRuns(parsed.opts, stream);
  if (parsed.out) {
    await new Promise((resolve, reject) => {
      stream.on("error", reject);
      stream.end(resolve);
    });
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`gen-runs: ${e.stack ?? e}\n`); process.exitCode = 1; },
  );
}

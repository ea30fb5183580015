#!/usr/bin/env node
// The `syncrun` command: summarize, validate and normalize SyncRun JSON from a file, stdin or
// the Hightouch API (`--sync ID`, SPEC §11), `fetch` a sync's runs as NDJSON, and judge the
// health of syncs (`check`, `summarize --metrics`, SPEC §9-§11.1).
//
// Inputs are streamed (a reused 1 MiB buffer for files, the stream's chunks for stdin) into the
// package's streaming readers, so memory does not depend on the input's size; output goes out
// with back-pressure. Only Node built-ins and the package itself are used.
import { open, readFile, realpath, rename, stat, unlink } from "node:fs/promises";
import { fstatSync, readFileSync } from "node:fs";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs as nodeParseArgs } from "node:util";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

const CHUNK = 1 << 20;
/** Inputs at least this large get a progress bar (when stderr is a terminal). */
const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;

const USAGE = `Usage: syncrun <command> [FILE|-] [options]
       syncrun <command> --sync ID [--since T] [--max-runs N] [options]

Commands:
  summarize   a report: runs, success rate, failure streak, row failure rate,
              durations, top errors, the latest run (--json: the BatchSummary)
  validate    one line per issue: path, severity, code, message (and line)
  normalize   the valid, de-duplicated runs in canonical form, as a JSON array
  fetch       a sync's runs from the Hightouch API as NDJSON, as served (--sync ID)
  check       judge the health of each FILE or --sync ID (several may be given): one line each
              with its status and the checks that are not ok; exit 0 ok, 1 warning,
              2 critical, 3 unknown (the monitoring-plugin convention)
`;

const HELP = `syncrun: validate, normalize and summarize Hightouch SyncRun JSON, and judge
the health of a sync from its runs.

${USAGE}
FILE holds an array of runs, the API's {"data": [...], "hasMore": ...} envelope,
NDJSON (one run per line) or a single run. It is read as a stream, never whole.
Without FILE, or with -, the runs are read from standard input.
With --sync ID instead of FILE, the runs are read from the Hightouch API, page by
page, as one NDJSON stream (issue paths /N/... count runs across the whole fetch).

Options:
  --json                  summarize: print the BatchSummary as JSON
                          validate: print each issue as one JSON object per line
                          (NDJSON: severity, code, path, message, line, column)
                          check: print {"inputs": [{input, health, changes, error}]}
  --ndjson                normalize: print one run per line instead of a JSON array
  --warning-is-failure    summarize, check: count runs with status "warning" as not
                          succeeded
  --format FORMAT         read the input as auto (default), json or ndjson
  --unknown-fields MODE   keys the SyncRun contract does not know: strip (default),
                          keep, or error (each one an unknown_field error)
  --max-issues N          summarize: issues kept in the JSON summary (default 1000)
                          validate, normalize: issues printed (default: all)
  --max-bytes N           a JSON document or NDJSON line longer than N bytes is
                          input_too_large (default: 256 MiB, the library's default);
                          a longer line is its record's error, and reading goes on
  --threads N             summarize, check: threads that read one NDJSON file, each a
                          part, merged in order (default 1); the summary is the same
                          whatever the number
  --sync ID               read the runs of sync ID from the Hightouch API: the key from
                          HIGHTOUCH_API_KEY (never an argument), the base URL from
                          HIGHTOUCH_API_URL (default https://api.hightouch.com/api/v1);
                          at most 200 requests in any 10 s, 429/5xx retried 5 times
  --since T               with --sync: only runs started after timestamp T
  --max-runs N            with --sync: stop after N runs
  --metrics               summarize: print the summary and its health as Prometheus
                          text (for the node_exporter textfile collector)
  --label NAME=VALUE      summarize --metrics: a label added to every sample (repeatable)
  --now T                 check, summarize --metrics: judge the health at T, a timestamp
                          (2024-06-01T12:00:00Z) or milliseconds since 1970 (default: now)
  --rules FILE            check, summarize --metrics: a JSON file of health rules, e.g.
                          {"freshness": {"warning": 7200000}, "volume": false}
  --state FILE            check: compare with the judgements kept in FILE (created when
                          missing) and print only what changed; FILE is then updated
  -h, --help              print this help
  -V, --version           print the version

validate writes the issues to standard output and a count to standard error;
normalize writes the runs to standard output and the issues to standard error.
When standard error is a terminal and the input is larger than 8 MiB, a progress
bar shows the bytes read, the runs seen (NDJSON) and the throughput. If standard output is closed
early (say, piped into head), the command stops quietly with status 0.

check (and summarize --metrics) judge each input by six rules; their default
thresholds, warning / critical, which a --rules file can change or turn off:
  failure_streak    finished runs in a row that did not succeed   >= 1 / >= 3
  success_rate      succeeded / finished runs                     < 0.95 / < 0.8
  freshness         ms since the last success finished            > 86400000 / > 259200000
  row_failure_rate  failed / attempted rows of the latest run     >= 0.01 / >= 0.1
  duration          latest run's duration / the median            > 3 / > 10
  volume            latest run's querySize / the median           < 0.5 / < 0.1
With --state, a cron job alerts once per change: the first run prints what is not
ok, later runs only what changed since the run before (nothing when nothing did),
with the same exit status as without --state.

Exit status of summarize, validate, normalize:
  0  done; validate: no run is invalid
  1  validate: at least one run is invalid; every command: the input as a whole
     cannot be read (not JSON, not UTF-8, not a batch, more than --max-bytes)
  2  usage error, FILE cannot be read, or the Hightouch API failed (--sync)
  130  interrupted (Ctrl+C) while reading --sync: the output is incomplete

Exit status of check:
  0  every input is ok
  1  an input is warning (and none critical)
  2  an input is critical
  3  otherwise, an input is unknown (too few runs to judge, or it cannot be read),
     or a usage error, bad --rules or --now, or a --state file that is not one
     syncrun check wrote (that file is then left as it is)
`;

/** Flags each command takes; the value options below are taken by all. */
const FLAGS = {
  summarize: ["json", "warning-is-failure", "metrics"],
  validate: ["json"],
  normalize: ["ndjson"],
  fetch: [],
  check: ["json", "warning-is-failure"],
};
const VALUE_OPTIONS = {
  format: { key: "format", parse: oneOf(["auto", "json", "ndjson"]) },
  "unknown-fields": { key: "unknownFields", parse: oneOf(["strip", "keep", "error"]) },
  "max-issues": { key: "maxIssues", parse: wholeNumber },
  "max-bytes": { key: "maxBytes", parse: wholeNumber },
  threads: { key: "threads", parse: threadCount },
};

/** Where runs come from when not from a file (SPEC §11): --sync (repeatable), --since, --max-runs. */
const SOURCE_OPTIONS = {
  sync: { key: "syncs", parse: (v) => v, repeat: true },
  since: { key: "since", parse: (v) => v },
  "max-runs": { key: "maxRuns", parse: wholeNumber },
};

/**
 * The options of `check` and `summarize --metrics` (SPEC §11.1), kept apart from the reading
 * options: `checkHealthUsage` says which command takes which. Each is given at most once, but
 * --label, which repeats.
 */
const HEALTH_OPTIONS = {
  now: { key: "now", parse: (v) => v, once: true },
  rules: { key: "rules", parse: (v) => v, once: true },
  state: { key: "state", parse: (v) => v, once: true },
  label: { key: "labels", parse: labelPair, repeat: true },
};

/** Every option that takes a value: where parseArgs puts it, and how it reads it. */
const OPTION_TABLES = [
  ["options", VALUE_OPTIONS],
  ["source", SOURCE_OPTIONS],
  ["health", HEALTH_OPTIONS],
];

/** The table that has option `name`, or undefined. */
function tableOf(name) {
  return OPTION_TABLES.find(([, table]) => Object.hasOwn(table, name));
}

class UsageError extends Error {}
/** A file that cannot be opened or read: one line, exit 2. */
class InputError extends Error {}
/** The Hightouch API failed for a --sync input (SPEC §11): exit 2 (exit 3 for check). */
class ApiError extends InputError {}

function oneOf(values) {
  return (v, name) => {
    if (values.includes(v)) return v;
    throw new UsageError(`--${name} must be one of ${values.join(", ")}, got '${v}'`);
  };
}

/** `--label NAME=VALUE` as [name, value]; the name is checked by the package (SPEC §10). */
function labelPair(v) {
  const eq = v.indexOf("=");
  if (eq <= 0) throw new UsageError(`--label must be NAME=VALUE, got '${v}'`);
  return [v.slice(0, eq), v.slice(eq + 1)];
}

function threadCount(v, name) {
  const n = wholeNumber(v, name);
  if (n >= 1 && n <= 64) return n;
  throw new UsageError(`--${name} must be from 1 to 64, got '${v}'`);
}

function wholeNumber(v, name) {
  if (/^[0-9]+$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  throw new UsageError(`--${name} must be a whole number, got '${v}'`);
}

/** Every flag (an option without a value) of any command. */
const ALL_FLAGS = [...new Set(Object.values(FLAGS).flat())];

/**
 * What node:util's parseArgs is told: the tables above, as its `options` (a value option is a
 * string, a flag a boolean; -h and -V are the two short ones). The tables stay the one
 * description: what each option means and how its value is read is applied to parseArgs'
 * tokens below, which keep the order, the raw spelling and the repeats of the command line.
 */
const PARSE_ARGS_OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
  ...Object.fromEntries(ALL_FLAGS.map((name) => [name, { type: "boolean" }])),
  ...Object.fromEntries(
    OPTION_TABLES.flatMap(([, table]) => Object.entries(table)).map(([name, { repeat }]) => [name, { type: "string", multiple: Boolean(repeat) }]),
  ),
};

function parseArgs(argv) {
  const positional = [];
  const flags = new Set();
  const given = {
    options: {},
    source: { syncs: [], since: undefined, maxRuns: undefined },
    health: { now: undefined, rules: undefined, state: undefined, labels: [], given: [] },
  };
  const { options, source, health } = given;
  let help = false;
  let version = false;
  // strict: false, so that an unknown option becomes a token that is reported here, with this
  // tool's message and exit status, rather than parseArgs' own error.
  const { tokens } = nodeParseArgs({ args: argv, options: PARSE_ARGS_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === "positional") {
      positional.push(token.value);
      continue;
    }
    if (token.kind === "option-terminator") continue;
    const arg = argv[token.index];
    const { name } = token;
    // -h, --help, -V, --version exactly as written: not grouped (-hV) nor given a value.
    if (name === "help" || name === "version") {
      if (arg !== token.rawName) throw new UsageError(`unknown option '${arg}'`);
      if (name === "help") help = true;
      else version = true;
      continue;
    }
    if (!token.rawName.startsWith("--")) throw new UsageError(`unknown option '${arg}'`);
    const found = tableOf(name);
    if (found !== undefined) {
      if (token.value === undefined) throw new UsageError(`--${name} needs a value`);
      const [where, table] = found;
      const { key, parse, repeat, once } = table[name];
      const target = given[where];
      if (repeat) target[key].push(parse(token.value, name));
      else if (once && target[key] !== undefined) throw new UsageError(`--${name} is given twice`);
      else target[key] = parse(token.value, name);
      if (where === "health" && !health.given.includes(name)) health.given.push(name);
    } else if (!token.inlineValue && ALL_FLAGS.includes(name) && name !== "help" && name !== "version") {
      flags.add(name);
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
  }
  return { positional, flags, options, source, health, help, version };
}

// ---------------------------------------------------------------------------------------------
// Formatting for people

function int(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A fraction as a percentage with one decimal, never rounded to 0% or 100% when it is not. */
function percent(x) {
  const s = (x * 100).toFixed(1);
  if (x > 0 && s === "0.0") return "<0.1%";
  if (x < 1 && s === "100.0") return ">99.9%";
  return `${s}%`;
}

/** Milliseconds in human units, truncated: `340 ms`, `1.8 s`, `2 min 5 s`, `1 h 3 min`, `2 d 4 h`. */
function humanDuration(ms) {
  if (ms < 1000) return `${Math.floor(ms)} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  const pair = (a, ua, b, ub) => (b === 0 ? `${a} ${ua}` : `${a} ${ua} ${b} ${ub}`);
  if (s < 3600) return pair(Math.floor(s / 60), "min", s % 60, "s");
  if (s < 86_400) return pair(Math.floor(s / 3600), "h", Math.floor((s % 3600) / 60), "min");
  return pair(Math.floor(s / 86_400), "d", Math.floor((s % 86_400) / 3600), "h");
}

function bytes(n) {
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n;
  let u = -1;
  do {
    v /= 1000;
    u++;
  } while (v >= 1000 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

function plural(n, one, many = `${one}s`) {
  return `${int(n)} ${n === 1 ? one : many}`;
}

/** One issue as a line: `path  severity  code  message  (line L, column C)`. */
function issueLine(issue) {
  const where =
    issue.line == null ? "" : `  (line ${issue.line}${issue.column == null ? "" : `, column ${issue.column}`})`;
  return `${issue.path === "" ? "(input)" : issue.path}  ${issue.severity}  ${issue.code}  ${issue.message}${where}`;
}

function countsLine(c) {
  return (
    `${plural(c.records, "record")}: ${int(c.valid)} valid, ${int(c.invalid)} invalid, ` +
    `${plural(c.duplicates, "duplicate")}; ${plural(c.errorCount, "error")}, ${plural(c.warningCount, "warning")}`
  );
}

/** The input as a whole could not be read: no records, one error. */
function unreadable(c) {
  return c.records === 0 && c.errorCount > 0;
}

function report(s, name, options) {
  const rows = [];
  const row = (label, text) => rows.push(`${label.padEnd(16)}${text}`);
  const out = [`${name}: ${plural(s.records, "record")}, ${int(s.valid)} valid, ${int(s.invalid)} invalid, ${plural(s.duplicates, "duplicate")}`];
  if (unreadable(s)) {
    out.push("The input cannot be read as SyncRun JSON:");
    for (const issue of s.issues) out.push(`  ${issueLine(issue)}`);
    return `${out.join("\n")}\n`;
  }
  if (s.hasMore === true) out.push("(the envelope says hasMore: true; the API has more runs than these)");
  out.push("");
  if (s.valid === 0) {
    row("Runs", "no valid run");
  } else {
    // byStatus has the nine statuses in SPEC §2.1's order (SPEC §5).
    const statuses = Object.keys(s.byStatus).filter((k) => s.byStatus[k] > 0).map((k) => `${int(s.byStatus[k])} ${k}`);
    row("Runs", `${statuses.join(", ")}`);
    if (s.successRate == null) {
      row("Success rate", `n/a (no finished run; ${int(s.inProgress)} in progress)`);
    } else {
      const progress = s.inProgress > 0 ? `; ${int(s.inProgress)} in progress` : "";
      const warn = options.warningIsFailure ? ", warnings count as failures" : "";
      row("Success rate", `${percent(s.successRate)} (${int(s.succeeded)} of ${int(s.terminal)} finished runs${progress}${warn})`);
    }
    let streak = plural(s.failureStreak, "run");
    if (s.failureStreak > 0 && s.lastSuccess) streak += ` since the last success, run ${s.lastSuccess.id} at ${s.lastSuccess.createdAt}`;
    else if (s.failureStreak > 0) streak += " (no run succeeded)";
    row("Failure streak", streak);
    if (s.lastFailure) {
      const f = s.lastFailure;
      row("Last failure", `run ${f.id}, ${f.status}, ${f.createdAt}${f.error == null ? "" : `: ${f.error}`}`);
    }
    row("Rows", `${int(s.attemptedRows)} attempted, ${int(s.rows.failed.total)} failed, ${int(s.skippedRows)} skipped`);
    row("Row failure", s.failureRate == null ? "n/a (no row attempted)" : percent(s.failureRate));
    const stats = (st) =>
      st.count === 0
        ? "n/a"
        : `p50 ${humanDuration(st.p50)}, p95 ${humanDuration(st.p95)}, max ${humanDuration(st.max)} (${plural(st.count, "run")})`;
    row("Duration", stats(s.durationMs));
    row("Queued", stats(s.queuedMs));
    if (s.latest) row("Latest run", `${s.latest.id}, ${s.latest.status}, created ${s.latest.createdAt}`);
  }
  out.push(...rows);
  if (s.topErrors.length > 0) {
    out.push("", "Top errors");
    const width = Math.max(...s.topErrors.map((e) => int(e.count).length));
    for (const e of s.topErrors) out.push(`  ${int(e.count).padStart(width)}  ${e.pattern}`);
  }
  out.push("");
  const issues = `${plural(s.errorCount, "error")}, ${plural(s.warningCount, "warning")}`;
  out.push(`${"Issues".padEnd(16)}${issues}${s.errorCount + s.warningCount > 0 ? " (syncrun validate lists them)" : ""}`);
  return `${out.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Input, output, progress

/** Chunks of the input: a source's own (--sync), a file through one reused buffer, or stdin's. */
async function* chunks(input) {
  if (input.chunks) {
    yield* input.chunks();
    return;
  }
  if (input.handle) {
    const buf = Buffer.allocUnsafe(CHUNK);
    // `end`: the first part of a file read in several threads stops there.
    for (let left = input.end ?? Infinity; left > 0; ) {
      let n;
      try {
        ({ bytesRead: n } = await input.handle.read(buf, 0, Math.min(CHUNK, left), null));
        left -= n;
      } catch (e) {
        throw new InputError(`cannot read ${input.name}: ${reason(e)}`);
      }
      if (n === 0) return;
      // The streams copy what they are given, so the buffer can be reused at once.
      yield buf.subarray(0, n);
    }
    return;
  }
  try {
    for await (const chunk of process.stdin) yield chunk;
  } catch (e) {
    throw new InputError(`cannot read standard input: ${reason(e)}`);
  }
}

function reason(e) {
  const known = {
    ENOENT: "no such file or directory",
    EACCES: "permission denied",
    EISDIR: "is a directory",
    ENOTDIR: "not a directory",
    ELOOP: "too many symbolic links",
    EIO: "input/output error",
  };
  return known[e?.code] ?? e?.message ?? String(e);
}

/** Reads `chunks(input)` until more cannot change the result (`settled()`: the input, one
 * JSON document, is already longer than maxBytes), so that /dev/zero ends too. */
async function* unsettled(input, settled) {
  for await (const chunk of chunks(input)) {
    yield chunk;
    if (settled()) return;
  }
}

/** A file name as it may be printed: control characters (newlines, ANSI escapes) escaped. */
function printable(name) {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const named = { "\n": "\\n", "\r": "\\r", "\t": "\\t" }[c];
    const code = c.charCodeAt(0);
    return named ?? (code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, "0")}`);
  });
}

async function openInput(file) {
  if (file === undefined || file === "-") {
    let st = null;
    try {
      st = fstatSync(0);
    } catch {
      // No stdin to look at; reading will say what is wrong.
    }
    if (st?.isDirectory()) throw new InputError("cannot read standard input: is a directory");
    return { name: "stdin", size: st?.isFile() ? st.size : null, handle: null };
  }
  let handle;
  try {
    handle = await open(file, "r");
  } catch (e) {
    throw new InputError(`cannot read ${printable(file)}: ${reason(e)}`);
  }
  const st = await handle.stat();
  if (st.isDirectory()) {
    await handle.close();
    throw new InputError(`cannot read ${printable(file)}: is a directory`);
  }
  return { name: printable(file), path: file, size: st.isFile() ? st.size : null, handle };
}

/**
 * An input read from the Hightouch API (SPEC §11): `chunks()` yields one page of runs at a time
 * as NDJSON, to be used wherever a file's chunks are. The options are checked here, before
 * anything is read; API failures come out of `chunks()` as ApiError. `pages` and `runs` count
 * what was read, for the message when Ctrl+C stops it (see `onInterrupt`).
 */
async function openSync(syncId, { since, maxRuns }) {
  const [{ fetchRuns }, { get }] = await Promise.all([import("./hightouch.js"), import("./http.js")]);
  const controller = new AbortController();
  let pages;
  try {
    pages = fetchRuns({ syncId, since, maxRuns, signal: controller.signal, _get: get });
  } catch (e) {
    if (e?.code !== "invalid_option") throw e;
    // fetchRuns names its options; say them as the command line does.
    const flag = { syncId: "--sync", since: "--since", maxRuns: "--max-runs" };
    throw new UsageError(e.message.replace(/^(syncId|since|maxRuns)\b/, (k) => flag[k]));
  }
  const input = {
    name: printable(`sync ${syncId}`),
    size: null,
    handle: null,
    syncId,
    pages: 0,
    runs: 0,
    controller,
    async *chunks() {
      interrupted = input;
      process.on("SIGINT", onInterrupt);
      try {
        for await (const chunk of pages) {
          input.pages++;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) input.runs++;
          yield chunk;
        }
      } catch (e) {
        if (e?.name === "SyncRunError" && e.code === "api_error") throw new ApiError(e.message);
        throw e;
      } finally {
        process.off("SIGINT", onInterrupt);
        interrupted = null;
      }
    },
  };
  return input;
}

/** The --sync input being read, if any: what Ctrl+C reports on. */
let interrupted = null;

/**
 * Ctrl+C while a --sync input is read ends the command at once with 130 (SPEC §11), saying how
 * many pages were read and that the output is incomplete; nothing that looks like a finished
 * result is printed after it, since the process ends here.
 */
function onInterrupt() {
  const input = interrupted;
  bar?.clear();
  input?.controller.abort();
  process.stderr.write(
    `syncrun: interrupted: ${plural(input?.pages ?? 0, "page")} (${plural(input?.runs ?? 0, "run")}) of ${input?.name ?? "the input"} read; ` +
      "the output is incomplete\n",
  );
  process.exit(130);
}

/** The progress bar being drawn, if any: erased before output goes to the same terminal. */
let bar = null;

/** Writes to stdout, waiting for 'drain' when the reader is slower than we are. */
async function write(text) {
  if (text.length === 0) return;
  if (process.stdout.isTTY) bar?.clear();
  if (!process.stdout.write(text)) await once(process.stdout, "drain");
}

/**
 * One line on stderr, redrawn at most 10 times a second, only when stderr is a terminal and the
 * input is large. Counts newlines as runs when the package reads the input as NDJSON (its
 * `detectFormat`, SPEC §1, on the first chunk: 1 MiB holds the first line and the start of the
 * next in any NDJSON the bar is worth showing for).
 */
class Progress {
  constructor(size, format, lib) {
    this.enabled = Boolean(process.stderr.isTTY);
    this.lib = lib;
    this.size = size;
    this.format = format;
    this.ndjson = format === "ndjson" ? true : format === "json" ? false : null;
    this.bytes = 0;
    this.lines = 0;
    this.start = performance.now();
    this.drawnAt = 0;
    this.shown = false;
    if (this.enabled) bar = this;
  }

  update(chunk) {
    if (!this.enabled) return;
    if (this.ndjson === null) this.ndjson = this.lib.detectFormat(chunk) === "ndjson";
    this.bytes += chunk.length;
    if (this.ndjson) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.lines++;
    const now = performance.now();
    if (now - this.drawnAt < 100) return;
    if ((this.size ?? this.bytes) < PROGRESS_MIN_BYTES) return;
    this.drawnAt = now;
    this.draw(now);
  }

  /** `n` bytes read by another thread (runs are not counted then). */
  count(n) {
    if (!this.enabled) return;
    this.ndjson = false;
    this.bytes += n;
    const now = performance.now();
    if (now - this.drawnAt < 100 || (this.size ?? this.bytes) < PROGRESS_MIN_BYTES) return;
    this.drawnAt = now;
    this.draw(now);
  }

  draw(now) {
    const seconds = Math.max((now - this.start) / 1000, 1e-3);
    const parts = [];
    if (this.size) parts.push(`${bytes(this.bytes)} / ${bytes(this.size)}`);
    else parts.push(`${bytes(this.bytes)} read`);
    if (this.ndjson) parts.push(`${int(this.lines)} runs`);
    parts.push(`${bytes(Math.round(this.bytes / seconds))}/s`);
    const text = parts.join("  ");
    const columns = process.stderr.columns || 80;
    let line = text;
    if (this.size) {
      const fraction = Math.min(this.bytes / this.size, 1);
      const label = `${(fraction * 100).toFixed(0).padStart(3)}% `;
      const width = Math.max(Math.min(30, columns - text.length - label.length - 5), 0);
      const done = Math.round(fraction * width);
      if (width >= 5) line = `[${"#".repeat(done)}${"-".repeat(width - done)}] ${label} ${text}`;
      else line = `${label} ${text}`;
    }
    process.stderr.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
    this.shown = true;
  }

  /** Remove the bar (before other text goes to stderr, and at the end). */
  clear() {
    if (this.shown) {
      process.stderr.write("\r\x1b[K");
      this.shown = false;
    }
  }
}

/** Writes issues to a text stream, at most `max` of them, clearing the progress bar first. */
class IssueWriter {
  constructor({ json, max, toStdout, progress }) {
    this.json = json;
    this.max = max ?? Infinity;
    this.toStdout = toStdout;
    this.progress = progress;
    this.written = 0;
    this.dropped = 0;
  }

  async write(issues) {
    if (issues.length === 0) return;
    const room = Math.max(this.max - this.written, 0);
    const shown = issues.length > room ? issues.slice(0, room) : issues;
    this.dropped += issues.length - shown.length;
    this.written += shown.length;
    if (shown.length === 0) return;
    const text = shown.map((i) => (this.json ? JSON.stringify(i) : issueLine(i))).join("\n") + "\n";
    if (this.toStdout) return write(text);
    this.progress.clear();
    process.stderr.write(text);
  }

  tail() {
    return this.dropped > 0 ? `syncrun: ${plural(this.dropped, "more issue")} not shown (--max-issues ${this.max})\n` : "";
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

async function summarize(input, flags, options, lib) {
  const streamOptions = streamOptionsOf(flags, options);
  const summary = await summarizeInput(input, streamOptions, lib);
  await write(flags.has("json") ? `${JSON.stringify(summary, null, 2)}\n` : report(summary, input.name, streamOptions));
  return unreadable(summary) ? 1 : 0;
}

/** validate and normalize: one NormalizeStream, issues and runs handed on as they are found. */
async function records(command, input, flags, options, lib) {
  const progress = new Progress(input.size, options.format, lib);
  const validate = command === "validate";
  const issues = new IssueWriter({
    json: validate && flags.has("json"),
    max: options.maxIssues,
    toStdout: validate,
    progress,
  });
  const ndjson = flags.has("ndjson");
  let first = true;
  // The runs come as NDJSON text (pushText), written on as they are: no object per run.
  const runs = async (text) => {
    if (validate || text === "") return;
    if (ndjson) return write(text);
    // Runs become array elements: "[\n" a ",\n" b ... "\n]\n" (a run's JSON has no line feed).
    await write(`${first ? "[\n" : ",\n"}${text.slice(0, -1).replaceAll("\n", ",\n")}`);
    first = false;
  };
  // Every issue comes out of the stream; IssueWriter applies --max-issues and counts the rest.
  const stream = new lib.NormalizeStream({ ...options, maxIssues: Infinity });
  let counts;
  try {
    for await (const chunk of unsettled(input, () => stream.settled())) {
      const batch = stream.pushText(chunk);
      progress.update(chunk);
      await issues.write(batch.issues);
      await runs(batch.runs);
    }
    const last = stream.finish();
    progress.clear();
    await issues.write(last.issues);
    await runs(last.runs.map((run) => `${JSON.stringify(run)}\n`).join(""));
    counts = last;
  } finally {
    stream.free();
    progress.clear();
  }
  if (!validate && !ndjson) await write(first ? "[]\n" : "\n]\n");
  let tail = issues.tail();
  tail += unreadable(counts)
    ? `syncrun: ${input.name} cannot be read as SyncRun JSON\n`
    : `syncrun: ${input.name}: ${countsLine(counts)}\n`;
  process.stderr.write(tail);
  if (validate) return counts.invalid > 0 || counts.errorCount > 0 ? 1 : 0;
  return unreadable(counts) ? 1 : 0;
}

/** fetch: every run as the API served it, one per line, repeats included (SPEC §11). */
async function fetchCommand(input) {
  for await (const chunk of chunks(input)) await write(chunk);
  process.stderr.write(`syncrun: ${input.name}: ${plural(input.runs, "run")} in ${plural(input.pages, "page")}\n`);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Health: `check` and `summarize --metrics` (SPEC §9, §10, §11.1)
//
// The judging, the comparing and the Prometheus text are the package's (checkHealth,
// compareHealth, formatMetrics); what is here is reading their options from the command line,
// the state file of `check --state`, and the lines for people.

/** Exit status of `check` for an input's overall status: the monitoring-plugin convention. */
const CHECK_EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 };
/** The `syncrun` key of a state file: it says the file is ours, and what it is. */
const STATE_KIND = "check-state";
const STATE_VERSION = 1;

/** A state file that cannot be used, or cannot be written: one line, exit 3. */
class StateError extends Error {}

/** The command `argv` names (its first positional argument), before anything is checked. */
function commandOf(argv) {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") return argv[i + 1];
    if (arg === "-" || !arg.startsWith("-")) return arg;
    const name = arg.slice(2);
    if (arg.startsWith("--") && !arg.includes("=") && tableOf(name) !== undefined) i++;
  }
  return undefined;
}

/** Which command takes which of the health options; the inputs of `check`. */
function checkHealthUsage(command, positional, flags, health) {
  const takes = {
    check: ["now", "rules", "state"],
    summarize: flags.has("metrics") ? ["now", "rules", "label"] : [],
  }[command] ?? [];
  for (const name of health.given) {
    if (takes.includes(name)) continue;
    if (command === "summarize" && name !== "state") throw new UsageError(`--${name} needs --metrics`);
    throw new UsageError(`--${name} is not an option of ${command}`);
  }
  if (command === "summarize" && flags.has("metrics") && flags.has("json")) {
    throw new UsageError("--metrics and --json cannot be used together");
  }
  if (command === "check") {
    const seen = new Set();
    for (const file of positional.slice(1)) {
      const key = inputKey(file);
      if (seen.has(key)) throw new UsageError(`${file === "-" ? "standard input (-)" : file} is given twice`);
      seen.add(key);
    }
  }
}

/** An input's key in the state file: a file's absolute path (so the cron job's cwd does not matter), `-` for stdin. */
function inputKey(file) {
  return file === undefined || file === "-" ? "-" : resolve(file);
}

/** The package, through its public entry only (never the private glue). */
async function loadLib() {
  return import("./node.js");
}

/** A `SyncRunError` with `invalid_option` from the package, turned into a usage error naming the option. */
function optionError(e, what) {
  if (e?.name === "SyncRunError" && e.code === "invalid_option") return new UsageError(`${what}: ${e.message}`);
  return e;
}

/**
 * The checkHealth options (and, for metrics, the labels) from the command line, checked by the
 * package on an empty summary before any input is read, so that a bad value is reported at once.
 */
async function healthSettings(health, lib) {
  const options = {};
  if (health.now !== undefined) {
    options.now = /^-?[0-9]+(\.[0-9]+)?$/.test(health.now) ? Number(health.now) : health.now;
  }
  if (health.rules !== undefined) {
    let text;
    try {
      text = await readFile(health.rules, "utf8");
    } catch (e) {
      throw new InputError(`cannot read the rules ${health.rules}: ${reason(e)}`);
    }
    try {
      options.rules = JSON.parse(text);
    } catch (e) {
      throw new InputError(`the rules ${health.rules} are not JSON: ${e.message}`);
    }
  }
  const empty = lib.summarizeRuns("[]");
  try {
    lib.checkHealth(empty, { now: options.now });
  } catch (e) {
    throw optionError(e, `--now ${health.now}`);
  }
  try {
    lib.checkHealth(empty, options);
  } catch (e) {
    throw optionError(e, `--rules ${health.rules}`);
  }
  const labels = {};
  for (const [name, value] of health.labels) {
    if (Object.hasOwn(labels, name)) throw new UsageError(`--label ${name} is given twice`);
    labels[name] = value;
  }
  try {
    lib.formatMetrics(empty, { labels });
  } catch (e) {
    throw optionError(e, "--label");
  }
  return { options, labels };
}

/** The summary of one input, streamed (`summarize`, `check`, `summarize --metrics`). */
async function summarizeInput(input, streamOptions, lib) {
  const { threads, ...options } = streamOptions;
  const parts = await splitForThreads(input, options, threads, lib);
  const progress = new Progress(input.size, options.format, lib);
  // One reader that never saves: no ledger of its runs (SPEC §7's memory per run). It can
  // still take the other threads' saved parts after it (SPEC §7.1).
  const stream = new lib.SummaryStream({ ...(parts ? parts.options : options), mergeable: false });
  try {
    if (!parts) {
      for await (const chunk of unsettled(input, () => stream.settled())) {
        stream.push(chunk);
        progress.update(chunk);
      }
      return stream.finish();
    }
    const workers = parts.ranges.slice(1).map(([start, end]) => summarizePart(input, start, end, parts.options, progress));
    // Whatever happens, every worker ends before this returns.
    const settled = Promise.allSettled(workers);
    try {
      for await (const chunk of chunks({ ...input, end: parts.ranges[0][1] })) {
        stream.push(chunk);
        progress.count(chunk.length);
      }
      for (const state of await Promise.all(workers)) stream.mergeSaved(state);
    } finally {
      await settled;
    }
    return stream.finish();
  } finally {
    stream.free();
    progress.clear();
  }
}

/**
 * How to read `input` in `threads` threads (--threads; SPEC §7.1): byte ranges that start and
 * end at line boundaries, and the options each part is read with. `null` for one thread: one
 * asked for, not a regular file, or not NDJSON (a JSON document cannot be split). Not the
 * default: on a 2-core machine the merge (each later part's runs replayed into the first's
 * figures) costs what the second thread saves. The parts are read with format "ndjson": the text's first
 * line decided it (SPEC §1) for every line, and a part that starts with a broken line must
 * not read as one JSON document.
 */
async function splitForThreads(input, options, threads, lib) {
  const n = Math.min(threads ?? 1, availableParallelism() * 4, 64);
  if (n < 2 || !input.handle || !input.size || options.format === "json") return null;
  const window = Buffer.allocUnsafe(CHUNK);
  const readAt = async (at) => {
    try {
      const { bytesRead } = await input.handle.read(window, 0, CHUNK, at);
      return window.subarray(0, bytesRead);
    } catch (e) {
      throw new InputError(`cannot read ${input.name}: ${reason(e)}`);
    }
  };
  if (options.format !== "ndjson" && lib.detectFormat(await readAt(0)) !== "ndjson") return null;
  const ranges = [];
  let start = 0;
  for (let k = 1; k < n; k++) {
    const nominal = Math.floor((input.size * k) / n);
    if (nominal <= start) continue;
    // The part ends after the first newline at or after the nominal offset.
    const head = await readAt(nominal - 1);
    const nl = head.indexOf(10);
    if (nl === -1) continue; // a line longer than a window: leave it to the next part
    const end = nominal + nl;
    if (end >= input.size) break;
    ranges.push([start, end]);
    start = end;
  }
  ranges.push([start, input.size]);
  if (ranges.length < 2) return null;
  return { ranges, options: { ...options, format: "ndjson" } };
}

/** One part of a file read by a worker thread: its saved state (pkg/summarize-part.js). */
function summarizePart(input, start, end, options, progress) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./summarize-part.js", import.meta.url), {
      workerData: { file: input.path, start, end, options },
    });
    let state = null;
    let failure = null;
    worker.on("message", (m) => {
      if (m.progress) progress.count(m.progress);
      else if (m.state) state = m.state;
      else if (m.error) failure = new InputError(`cannot read ${input.name}: ${m.error}`);
    });
    worker.on("error", (e) => (failure ??= e));
    worker.on("exit", () => (state && !failure ? resolve(state) : reject(failure ?? new Error("a reading thread stopped"))));
  });
}

function streamOptionsOf(flags, options) {
  return { ...options, warningIsFailure: flags.has("warning-is-failure") };
}

/** `summarize --metrics`: SPEC §10's text of the input's summary, with its health judged at --now. */
async function metrics(input, flags, options, health, lib) {
  const settings = await healthSettings(health, lib);
  const summary = await summarizeInput(input, streamOptionsOf(flags, options), lib);
  const judged = lib.checkHealth(summary, settings.options);
  await write(lib.formatMetrics(summary, { labels: settings.labels, health: judged }));
  return unreadable(summary) ? 1 : 0;
}

/** How each rule's value and thresholds read (SPEC §9.1: the bad side of each threshold). */
const ratio = (v) => `${Number(v.toPrecision(3))}x`;
const RULE_TEXT = {
  failure_streak: { bad: ">=", value: (v) => plural(v, "run"), limit: int },
  success_rate: { bad: "<", value: percent, limit: percent },
  freshness: { bad: ">", value: (v) => `${humanDuration(v)} since the last success`, limit: humanDuration },
  row_failure_rate: { bad: ">=", value: percent, limit: percent },
  duration: { bad: ">", value: (v) => `${ratio(v)} the median`, limit: ratio },
  volume: { bad: "<", value: (v) => `${ratio(v)} the median`, limit: ratio },
};

/** A check's value in people's units and, when it is not ok, the threshold it crossed. */
function checkDetail(c) {
  // Without a value, the package's message says why ("unknown: fewer than 5 runs …").
  if (c.value === null) return c.message;
  const text = RULE_TEXT[c.rule];
  if (text === undefined) return `${c.value} (${c.status}; warning ${c.warning}, critical ${c.critical})`;
  const crossed = c.status === "warning" || c.status === "critical" ? ` (${c.status}: ${text.bad} ${text.limit(c[c.status])})` : "";
  return `${text.value(c.value)}${crossed}`;
}

/** A check that is not ok, for the status line. */
function checkText(c) {
  if (c.status === "unknown") return `${c.rule}: ${c.message}`;
  if (c.value === null) return `${c.rule} ${c.status}: ${c.message}`;
  return `${c.rule} ${checkDetail(c)}`;
}

/** One input's line: `NAME: STATUS - the checks that are not ok`. */
function statusLine(r) {
  if (r.health === null) return `${r.name}: UNKNOWN - ${r.error}`;
  const head = `${r.name}: ${r.health.status.toUpperCase()}`;
  if (unreadable(r.summary)) {
    return `${head} - the input cannot be read as SyncRun JSON: ${r.summary.issues[0]?.message ?? "no runs"}`;
  }
  if (r.health.checks.length === 0) return `${head} - every rule is off`;
  const bad = r.health.checks.filter((c) => c.status !== "ok").map(checkText);
  return bad.length === 0 ? head : `${head} - ${bad.join("; ")}`;
}

/** One change of SPEC §9.3: `NAME: rule raised, ok -> critical: the check now`. */
function changeLine(name, change, health) {
  const check = health.checks.find((c) => c.rule === change.rule);
  const now = change.rule === "overall" || check === undefined ? change.message : checkDetail(check);
  return `${name}: ${change.rule} ${change.change}, ${change.from} -> ${change.to}: ${now}`;
}

/** SPEC §11.1: 2 if any is critical, else 1 if any is warning, else 3 if any is unknown, else 0. */
function checkExit(statuses) {
  for (const status of ["critical", "warning", "unknown"]) {
    if (statuses.includes(status)) return CHECK_EXIT[status];
  }
  return CHECK_EXIT.ok;
}

/**
 * The judgements kept by an earlier `check --state`: a Map of input key → Health, empty when
 * the file does not exist. Anything that is not a state file this tool wrote is a StateError,
 * and the file is not touched.
 */
async function readState(file, lib) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if (e?.code === "ENOENT") return new Map();
    throw new StateError(`cannot read the state file ${file}: ${reason(e)}`);
  }
  const foreign = (why) =>
    new StateError(`${file} is not a state file written by syncrun check (${why}); it is left as it is: give another --state file or remove this one`);
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw foreign(`it is not JSON: ${e.message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw foreign("it is not a JSON object");
  if (value.syncrun !== STATE_KIND) throw foreign(`it has no "syncrun": "${STATE_KIND}" key`);
  if (value.version !== STATE_VERSION) {
    throw foreign(`it is of version ${JSON.stringify(value.version ?? null)}; this syncrun reads version ${STATE_VERSION}`);
  }
  const inputs = value.inputs;
  if (inputs === null || typeof inputs !== "object" || Array.isArray(inputs)) throw foreign('its "inputs" is not an object');
  const state = new Map();
  for (const [key, health] of Object.entries(inputs)) {
    try {
      // The package says whether it is a Health (SPEC §9.3: invalid_summary otherwise).
      lib.compareHealth(health, health);
    } catch (e) {
      if (e?.name !== "SyncRunError") throw e;
      throw foreign(`its judgement of ${key} is not a Health: ${e.message}`);
    }
    state.set(key, health);
  }
  return state;
}

/**
 * Replaces the state file atomically: the new text goes to a temporary file in the same
 * directory, is flushed, and is renamed over the old one, so that a reader (or a crash) sees
 * the old file or the new one, never a part. A symbolic link is followed, and the mode kept.
 */
async function writeState(file, state) {
  const text = `${JSON.stringify({ syncrun: STATE_KIND, version: STATE_VERSION, inputs: Object.fromEntries(state) }, null, 2)}\n`;
  let target = resolve(file);
  let mode = 0o666;
  try {
    target = await realpath(file);
    mode = (await stat(target)).mode & 0o777;
  } catch (e) {
    if (e?.code !== "ENOENT") throw new StateError(`cannot write the state file ${file}: ${reason(e)}`);
  }
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let handle = null;
  try {
    handle = await open(temp, "wx", mode);
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
    handle = null;
    await rename(temp, target);
  } catch (e) {
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw new StateError(`cannot write the state file ${file}: ${reason(e)}`);
  }
  // Make the rename itself durable where the platform allows it; not being able to is no error.
  try {
    const dir = await open(dirname(target), "r");
    await dir.sync().finally(() => dir.close());
  } catch {
    // A directory that cannot be opened or flushed (some file systems, Windows).
  }
}

/**
 * `check` (SPEC §11.1): each input summarized and judged; one status line per input, or with
 * --state only the changes since the judgements kept in the state file; the exit status of
 * the monitoring-plugin convention.
 */
async function check(files, source, flags, options, health) {
  const failed = (e) => {
    // A bad --now, --rules or --label value is a usage error, as it is for summarize --metrics.
    if (e instanceof UsageError) return usageFailure(e, CHECK_EXIT.unknown);
    if (!(e instanceof StateError || e instanceof InputError)) throw e;
    process.stderr.write(`syncrun: ${e.message}\n`);
    return CHECK_EXIT.unknown;
  };
  const lib = await loadLib();
  let settings;
  let state = null;
  try {
    settings = await healthSettings(health, lib);
    // Read (and checked) before any input, so that a bad state file costs nothing and is
    // reported before anything else is printed.
    if (health.state !== undefined) state = await readState(health.state, lib);
  } catch (e) {
    return failed(e);
  }

  const streamOptions = streamOptionsOf(flags, options);
  const results = [];
  // Files first, then each --sync (SPEC §11.1): one report per input. A sync's key in the state
  // file is `sync:ID`, which no absolute path can be.
  const inputs = [
    ...(files.length === 0 && source.syncs.length === 0 ? ["-"] : files).map((file) => ({ file, key: inputKey(file) })),
    ...source.syncs.map((id) => ({ sync: id, key: `sync:${id}` })),
  ];
  for (const { file, sync, key } of inputs) {
    let input = null;
    try {
      input = sync === undefined ? await openInput(file) : await openSync(sync, source);
      const summary = await summarizeInput(input, streamOptions, lib);
      const judged = lib.checkHealth(summary, settings.options);
      const changes = state === null ? null : lib.compareHealth(state.get(key) ?? null, judged);
      results.push({ name: input.name, key, summary, health: judged, changes, error: null });
    } catch (e) {
      // A bad --since or --max-runs is found when the first sync is opened.
      if (e instanceof UsageError) return failed(e);
      if (!(e instanceof InputError)) throw e;
      const name = sync !== undefined ? `sync ${sync}` : file === "-" ? "stdin" : file;
      results.push({ name, key, summary: null, health: null, changes: null, error: e.message });
    } finally {
      await input?.handle?.close();
    }
  }

  if (flags.has("json")) {
    const inputs = results.map((r) => ({ input: r.name, health: r.health, changes: r.changes, error: r.error }));
    await write(`${JSON.stringify({ inputs }, null, 2)}\n`);
  } else if (state === null) {
    await write(results.map((r) => `${statusLine(r)}\n`).join(""));
  } else {
    await write(results.flatMap((r) => (r.changes ?? []).map((c) => `${changeLine(r.name, c, r.health)}\n`)).join(""));
  }
  // With --state, an input that could not be read is said on stderr each time (it is no change
  // of health), and its earlier judgement is kept.
  if (state !== null && !flags.has("json")) {
    for (const r of results) if (r.error !== null) process.stderr.write(`syncrun: ${r.error}\n`);
  }

  const statuses = results.map((r) => (r.health === null ? "unknown" : r.health.status));
  if (state !== null) {
    for (const r of results) if (r.health !== null) state.set(r.key, r.health);
    try {
      await writeState(health.state, state);
    } catch (e) {
      failed(e);
      statuses.push("unknown");
    }
  }
  return checkExit(statuses);
}

function version() {
  return JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")).version;
}

/** --sync and its companions: instead of FILE, once (SPEC §11); fetch needs it. */
function checkSource(command, file, source) {
  const n = source.syncs.length;
  if (n === 0) {
    if (command === "fetch") throw new UsageError("fetch needs --sync ID");
    if (source.since !== undefined) throw new UsageError("--since goes with --sync");
    if (source.maxRuns !== undefined) throw new UsageError("--max-runs goes with --sync");
    return;
  }
  if (file !== undefined && command !== "check") throw new UsageError(`give either FILE or --sync, not both (got '${file}')`);
  if (n > 1 && command !== "check") throw new UsageError(`--sync can be given once for ${command}`);
  if (source.maxRuns === 0) throw new UsageError("--max-runs must be at least 1");
}

/** A usage error: the message and the usage on stderr; `check` exits 3 (unknown), the others 2. */
function usageFailure(e, code) {
  process.stderr.write(`syncrun: ${e.message}\n\n${USAGE}\nRun 'syncrun --help' for the options.\n`);
  return code;
}

async function main(argv) {
  const usageCode = commandOf(argv) === "check" ? CHECK_EXIT.unknown : 2;
  let args;
  let input;
  try {
    args = parseArgs(argv);
    if (args.help || args.positional[0] === "help") {
      process.stdout.write(HELP);
      return 0;
    }
    if (args.version) {
      process.stdout.write(`syncrun ${version()}\n`);
      return 0;
    }
    const [command, file, ...extra] = args.positional;
    if (command === undefined) throw new UsageError("no command given");
    if (!Object.hasOwn(FLAGS, command)) throw new UsageError(`unknown command '${command}'`);
    if (extra.length > 0 && command !== "check") throw new UsageError(`too many arguments: ${extra.join(" ")}`);
    for (const flag of args.flags) {
      if (!FLAGS[command].includes(flag)) throw new UsageError(`--${flag} is not an option of ${command}`);
    }
    checkSource(command, file, args.source);
    checkHealthUsage(command, args.positional, args.flags, args.health);
    if (file === undefined && args.source.syncs.length === 0 && process.stdin.isTTY) {
      throw new UsageError("no input: give a FILE, or pipe the runs into standard input");
    }
    if (args.source.syncs.length > 0 && command !== "check") input = await openSync(args.source.syncs[0], args.source);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usageFailure(e, usageCode);
  }

  const [command, file] = args.positional;
  if (command === "check") {
    return check(args.positional.slice(1), args.source, args.flags, args.options, args.health);
  }
  try {
    input ??= await openInput(file);
    // Loaded here rather than at the top so that --help and usage errors need no WebAssembly.
    const lib = await loadLib();
    if (command === "fetch") return await fetchCommand(input);
    if (command === "summarize" && args.flags.has("metrics")) return await metrics(input, args.flags, args.options, args.health, lib);
    if (command === "summarize") return await summarize(input, args.flags, args.options, lib);
    return await records(command, input, args.flags, args.options, lib);
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(e, 2);
    if (e instanceof InputError) {
      process.stderr.write(`syncrun: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    await input?.handle?.close();
  }
}

// A reader that goes away (`syncrun normalize big.ndjson | head`) is not an error.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  process.stderr.write(`syncrun: cannot write the output: ${e.message}\n`);
  process.exit(2);
});
process.stderr.on("error", () => {});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`syncrun: internal error: ${e?.stack ?? e}\n`);
    process.exitCode = 2;
  },
);

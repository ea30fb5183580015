#!/usr/bin/env node
// The `syncrun` command: summarize, validate and normalize SyncRun JSON from a file, stdin or
// the Hightouch API (`--sync ID`, SPEC §11), and `fetch` a sync's runs as NDJSON.
//
// Inputs are streamed (a reused 1 MiB buffer for files, the stream's chunks for stdin) into the
// package's streaming readers, so memory does not depend on the input's size; output goes out
// with back-pressure. Only Node built-ins and the package itself are used.
import { open } from "node:fs/promises";
import { fstatSync, readFileSync } from "node:fs";
import { once } from "node:events";

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
`;

const HELP = `syncrun: validate, normalize and summarize Hightouch SyncRun JSON.

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
  --ndjson                normalize: print one run per line instead of a JSON array
  --warning-is-failure    summarize: count runs with status "warning" as not succeeded
  --format FORMAT         read the input as auto (default), json or ndjson
  --unknown-fields MODE   keys the SyncRun contract does not know: strip (default),
                          keep, or error (each one an unknown_field error)
  --max-issues N          summarize: issues kept in the JSON summary (default 1000)
                          validate, normalize: issues printed (default: all)
  --max-bytes N           a JSON document or NDJSON line longer than N bytes is
                          input_too_large (default: 256 MiB, the library's default);
                          a longer line is its record's error, and reading goes on
  --sync ID               read the runs of sync ID from the Hightouch API: the key from
                          HIGHTOUCH_API_KEY (never an argument), the base URL from
                          HIGHTOUCH_API_URL (default https://api.hightouch.com/api/v1);
                          at most 200 requests in any 10 s, 429/5xx retried 5 times
  --since T               with --sync: only runs started after timestamp T
  --max-runs N            with --sync: stop after N runs
  -h, --help              print this help
  -V, --version           print the version

validate writes the issues to standard output and a count to standard error;
normalize writes the runs to standard output and the issues to standard error.
When standard error is a terminal and the input is larger than 8 MiB, a progress
bar shows the bytes read, the runs seen (NDJSON) and the throughput. If standard output is closed
early (say, piped into head), the command stops quietly with status 0.

Exit status:
  0  done; validate: no run is invalid
  1  validate: at least one run is invalid; every command: the input as a whole
     cannot be read (not JSON, not UTF-8, not a batch, more than --max-bytes)
  2  usage error, FILE cannot be read, or the Hightouch API failed (--sync)
  130  interrupted (Ctrl+C) while reading --sync: the output is incomplete
`;

/** Flags each command takes; the value options below are taken by all. */
const FLAGS = {
  summarize: ["json", "warning-is-failure"],
  validate: ["json"],
  normalize: ["ndjson"],
  fetch: [],
};
const VALUE_OPTIONS = {
  format: { key: "format", parse: oneOf(["auto", "json", "ndjson"]) },
  "unknown-fields": { key: "unknownFields", parse: oneOf(["strip", "keep", "error"]) },
  "max-issues": { key: "maxIssues", parse: wholeNumber },
  "max-bytes": { key: "maxBytes", parse: wholeNumber },
};

/** Where runs come from when not from a file (SPEC §11): --sync (repeatable), --since, --max-runs. */
const SOURCE_OPTIONS = {
  sync: { key: "syncs", parse: (v) => v, repeat: true },
  since: { key: "since", parse: (v) => v },
  "max-runs": { key: "maxRuns", parse: wholeNumber },
};

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

function wholeNumber(v, name) {
  if (/^[0-9]+$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  throw new UsageError(`--${name} must be a whole number, got '${v}'`);
}

function parseArgs(argv) {
  const positional = [];
  const flags = new Set();
  const options = {};
  const source = { syncs: [], since: undefined, maxRuns: undefined };
  let help = false;
  let version = false;
  let onlyPositional = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositional || arg === "-" || !arg.startsWith("-")) {
      positional.push(arg);
    } else if (arg === "--") {
      onlyPositional = true;
    } else if (arg === "-h" || arg === "--help") {
      help = true;
    } else if (arg === "-V" || arg === "--version") {
      version = true;
    } else if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      if (Object.hasOwn(VALUE_OPTIONS, name)) {
        let value;
        if (eq !== -1) value = arg.slice(eq + 1);
        else if (i + 1 < argv.length) value = argv[++i];
        else throw new UsageError(`--${name} needs a value`);
        options[VALUE_OPTIONS[name].key] = VALUE_OPTIONS[name].parse(value, name);
      } else if (Object.hasOwn(SOURCE_OPTIONS, name)) {
        let value;
        if (eq !== -1) value = arg.slice(eq + 1);
        else if (i + 1 < argv.length) value = argv[++i];
        else throw new UsageError(`--${name} needs a value`);
        const { key, parse, repeat } = SOURCE_OPTIONS[name];
        if (repeat) source[key].push(parse(value, name));
        else source[key] = parse(value, name);
      } else if (eq === -1 && Object.values(FLAGS).some((f) => f.includes(name))) {
        flags.add(name);
      } else {
        throw new UsageError(`unknown option '${arg}'`);
      }
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
  }
  return { positional, flags, options, source, help, version };
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

const STATUSES = ["success", "warning", "failed", "cancelled", "interrupted", "queued", "querying", "processing", "reporting"];

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
    const statuses = STATUSES.filter((k) => s.byStatus[k] > 0).map((k) => `${int(s.byStatus[k])} ${k}`);
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
    for (;;) {
      let n;
      try {
        ({ bytesRead: n } = await input.handle.read(buf, 0, CHUNK, null));
      } catch (e) {
        throw new InputError(`cannot read ${input.name}: ${reason(e)}`);
      }
      if (n === 0) return;
      // The streams copy what they are given, so the buffer can be reused at once.
      yield buf.subarray(0, n);
    }
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
  return { name: printable(file), size: st.isFile() ? st.size : null, handle };
}

/**
 * An input read from the Hightouch API (SPEC §11): `chunks()` yields one page of runs at a time
 * as NDJSON, to be used wherever a file's chunks are. The options are checked here, before
 * anything is read; API failures come out of `chunks()` as ApiError. `pages` and `runs` count
 * what was read, for the message when Ctrl+C stops it (see `onInterrupt`).
 */
async function openSync(syncId, { since, maxRuns }) {
  const { fetchRuns } = await import("./hightouch.js");
  const controller = new AbortController();
  let pages;
  try {
    pages = fetchRuns({ syncId, since, maxRuns, signal: controller.signal });
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
 * input is large. Counts newlines as runs when the input looks like NDJSON.
 */
class Progress {
  constructor(size, format) {
    this.enabled = Boolean(process.stderr.isTTY);
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
    if (this.ndjson === null) this.ndjson = looksLikeNdjson(chunk);
    this.bytes += chunk.length;
    if (this.ndjson) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.lines++;
    const now = performance.now();
    if (now - this.drawnAt < 100) return;
    if ((this.size ?? this.bytes) < PROGRESS_MIN_BYTES) return;
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

/** SPEC §1's rule, on the first chunk: the first non-blank line is a whole JSON value. */
function looksLikeNdjson(chunk) {
  const text = Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.length, 1 << 20)).toString("utf8");
  const lines = text.split("\n");
  const first = lines.findIndex((l) => l.trim() !== "");
  if (first === -1 || first === lines.length - 1) return false;
  try {
    JSON.parse(lines[first].replace(/^\uFEFF/, ""));
    return true;
  } catch {
    return false;
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
  const streamOptions = { ...options, warningIsFailure: flags.has("warning-is-failure") };
  const progress = new Progress(input.size, options.format);
  const stream = new lib.SummaryStream(streamOptions);
  let summary;
  try {
    for await (const chunk of unsettled(input, () => lib.streamSettled(stream))) {
      stream.push(chunk);
      progress.update(chunk);
    }
    summary = stream.finish();
  } finally {
    stream.free();
    progress.clear();
  }
  await write(flags.has("json") ? `${JSON.stringify(summary, null, 2)}\n` : report(summary, input.name, streamOptions));
  return unreadable(summary) ? 1 : 0;
}

/** validate and normalize: one RecordStream, issues and runs handed on as they are found. */
async function records(command, input, flags, options, lib) {
  const progress = new Progress(input.size, options.format);
  const validate = command === "validate";
  const issues = new IssueWriter({
    json: validate && flags.has("json"),
    max: options.maxIssues,
    toStdout: validate,
    progress,
  });
  const ndjson = flags.has("ndjson");
  let first = true;
  const runs = async (text) => {
    if (validate || text.length === 0) return;
    if (ndjson) return write(text);
    // NDJSON lines become array elements: "[\n" a ",\n" b ... "\n]\n".
    const body = text.slice(0, -1).replaceAll("\n", ",\n");
    await write(`${first ? "[\n" : ",\n"}${body}`);
    first = false;
  };
  const stream = new lib.RecordStream({ ...options, maxIssues: undefined });
  let counts;
  try {
    for await (const chunk of unsettled(input, () => stream.settled())) {
      const batch = stream.push(chunk);
      progress.update(chunk);
      await issues.write(batch.issues);
      await runs(batch.runs);
    }
    const last = stream.finish();
    progress.clear();
    await issues.write(last.issues);
    await runs(last.runs);
    counts = last.counts;
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
  if (file !== undefined) throw new UsageError(`give either FILE or --sync, not both (got '${file}')`);
  if (n > 1) throw new UsageError(`--sync can be given once for ${command}`);
  if (source.maxRuns === 0) throw new UsageError("--max-runs must be at least 1");
}

async function main(argv) {
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
    if (extra.length > 0) throw new UsageError(`too many arguments: ${extra.join(" ")}`);
    for (const flag of args.flags) {
      if (!FLAGS[command].includes(flag)) throw new UsageError(`--${flag} is not an option of ${command}`);
    }
    checkSource(command, file, args.source);
    if (file === undefined && args.source.syncs.length === 0 && process.stdin.isTTY) {
      throw new UsageError("no input: give a FILE, or pipe the runs into standard input");
    }
    if (args.source.syncs.length > 0) input = await openSync(args.source.syncs[0], args.source);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`syncrun: ${e.message}\n\n${USAGE}\nRun 'syncrun --help' for the options.\n`);
    return 2;
  }

  const [command, file] = args.positional;
  try {
    input ??= await openInput(file);
    // Loaded here rather than at the top so that --help and usage errors need no WebAssembly.
    const lib = { ...(await import("./node.js")), ...(await import("./glue/syncrun.js")) };
    if (command === "fetch") return await fetchCommand(input);
    if (command === "summarize") return await summarize(input, args.flags, args.options, lib);
    return await records(command, input, args.flags, args.options, lib);
  } catch (e) {
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

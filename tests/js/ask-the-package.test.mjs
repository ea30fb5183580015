// What the package's own tools ask it instead of repeating its rules (issue #15): how a text is
// read (detectFormat, SPEC §1), the statuses' table (runStatuses, SPEC §2.1), the normalized runs
// of a text in chunks (NormalizeStream, SPEC §7 with §2 and §8's normalizeRuns), and the
// positions of the issues of a JSON document (SPEC §3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { detectFormat, normalizeRuns, NormalizeStream, runStatuses, summarizeRuns, SummaryStream, SyncRunError, validateRun } from "syncrun";

const require = createRequire(import.meta.url);
const enc = new TextEncoder();

const RUN = {
  id: 42, status: "success", createdAt: "2024-05-01T10:00:00Z", startedAt: "2024-05-01T10:00:01Z",
  finishedAt: "2024-05-01T10:02:00Z", completionRatio: 1, querySize: 100,
  plannedRows: { addedCount: 100, changedCount: 0, removedCount: 0 },
  successfulRows: { addedCount: 100, changedCount: 0, removedCount: 0 },
  failedRows: { addedCount: 0, changedCount: 0, removedCount: 0 }, error: null,
};
const run = (over) => ({ ...RUN, ...over });
const RUNS = [
  run({ id: "é-1" }),
  run({ id: 2, status: "Completed", querySize: -1 }),
  run({ id: "😀3", failedRows: { addedCount: 5, changedCount: 0, removedCount: 0 } }),
  run({ id: "é-1" }),
  (({ createdAt, ...rest }) => rest)(run({ id: 5 })),
];
const ndjson = RUNS.map((r) => JSON.stringify(r)).join("\n") + "\n";
const TEXTS = {
  array: JSON.stringify(RUNS),
  pretty: JSON.stringify({ data: RUNS, hasMore: false }, null, 2),
  ndjson,
  "ndjson, CRLF and a BOM": `\uFEFF${ndjson.replaceAll("\n", "\r\n")}`,
};

test("SPEC §1: detectFormat answers as the batch functions read, for the three input forms", () => {
  for (const [name, text] of Object.entries(TEXTS)) {
    const want = name.startsWith("ndjson") ? "ndjson" : "json";
    assert.equal(detectFormat(text), want, name);
    assert.equal(detectFormat(enc.encode(text)), want, name);
    assert.equal(detectFormat(Buffer.from(text)), want, name);
  }
  // A parsed value is one value; a single line is one value whatever it is; blank lines count not.
  assert.equal(detectFormat(RUNS), "json");
  assert.equal(detectFormat({ data: [] }), "json");
  assert.equal(detectFormat(`${JSON.stringify(RUN)}\n`), "json");
  assert.equal(detectFormat(`\n\n${JSON.stringify(RUN)}\n  \n`), "json");
  assert.equal(detectFormat(`${JSON.stringify(RUN)}\n\n{"id": 1`), "ndjson");
  // A first line that is not a whole value: one (pretty-printed, or broken) document.
  assert.equal(detectFormat('{\n"id": 1}\n{"id": 2}'), "json");
  // Forced readings, and what cannot be read: too large is not read (json), bytes cut inside a
  // character are judged by their valid start.
  assert.equal(detectFormat(TEXTS.array, { format: "ndjson" }), "ndjson");
  assert.equal(detectFormat(ndjson, { format: "json" }), "json");
  assert.equal(detectFormat(ndjson, { maxBytes: 10 }), "json");
  const bytes = enc.encode(ndjson);
  assert.equal(detectFormat(bytes.subarray(0, bytes.length - 3)), "ndjson");
  // The same reading as summarizeRuns': NDJSON gives line numbers, JSON does not.
  for (const text of Object.values(TEXTS)) {
    const ndjsonRead = summarizeRuns(text).issues.every((i) => i.line !== null && i.column === null);
    assert.equal(detectFormat(text) === "ndjson", ndjsonRead, text.slice(0, 40));
  }
});

test("SPEC §6: detectFormat throws what the batch functions throw, and only on misuse", () => {
  for (const bad of [() => 1, Symbol("x"), new Map()]) {
    assert.throws(() => detectFormat(bad), (e) => e instanceof SyncRunError && e.code === "unsupported_input");
    assert.throws(() => summarizeRuns(bad), (e) => e instanceof SyncRunError && e.code === "unsupported_input");
  }
  const cycle = [];
  cycle.push(cycle);
  assert.throws(() => detectFormat(cycle), (e) => e.code === "unsupported_input");
  assert.throws(() => detectFormat("[]", { format: "yaml" }), (e) => e instanceof SyncRunError && e.code === "invalid_option");
  assert.equal(require("syncrun").detectFormat(ndjson), "ndjson");
});

test("SPEC §2.1: runStatuses is the table of the nine statuses, in its order", () => {
  const table = runStatuses();
  assert.deepEqual(table.map((s) => s.status), Object.keys(summarizeRuns("[]").byStatus));
  assert.deepEqual(table.filter((s) => s.terminal).map((s) => s.status), ["success", "warning", "failed", "cancelled", "interrupted"]);
  assert.deepEqual(table.filter((s) => s.succeeded).map((s) => s.status), ["success", "warning"]);
  // The table agrees with the figures the package computes for one run of each status.
  for (const { status, terminal, succeeded } of table) {
    const inProgress = !terminal;
    const r = run({ status, finishedAt: inProgress ? null : RUN.finishedAt, error: status === "failed" ? "x" : null });
    const s = summarizeRuns([r]);
    assert.deepEqual([s.terminal, s.succeeded, s.inProgress], [Number(terminal), Number(succeeded), Number(inProgress)], status);
  }
});

/** Everything a NormalizeStream hands out, pushed `chunks`, as one normalizeRuns-shaped result. */
function streamed(chunks, options) {
  const s = new NormalizeStream(options);
  const runs = [];
  const issues = [];
  for (const c of chunks) {
    const got = s.push(c);
    runs.push(...got.runs);
    issues.push(...got.issues);
  }
  const end = s.finish();
  return { ...end, runs: [...runs, ...end.runs], issues: [...issues, ...end.issues] };
}

/** The same through pushText: the runs as NDJSON text, read back with JSON.parse per line. */
function streamedText(chunks, options) {
  const s = new NormalizeStream(options);
  let text = "";
  const issues = [];
  for (const c of chunks) {
    const got = s.pushText(c);
    assert.equal(typeof got.runs, "string");
    assert.ok(got.runs === "" || got.runs.endsWith("\n"), "whole lines");
    text += got.runs;
    issues.push(...got.issues);
  }
  const end = s.finish();
  const runs = text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
  return { ...end, runs: [...runs, ...end.runs], issues: [...issues, ...end.issues] };
}

function cuts(text, size) {
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

test("SPEC §7, §8: NormalizeStream hands out what normalizeRuns gives on the whole text, cut anywhere", () => {
  for (const [name, text] of Object.entries(TEXTS)) {
    const want = normalizeRuns(text);
    const bytes = enc.encode(text);
    assert.deepEqual(streamed([text]), want, name);
    // String chunks of one UTF-16 unit cut every surrogate pair (😀); bytes cut every character.
    assert.deepEqual(streamed(cuts(text, 1)), want, `${name}, 1 unit at a time`);
    assert.deepEqual(streamed(cuts(bytes, 1)), want, `${name}, 1 byte at a time`);
    assert.deepEqual(streamed(cuts(bytes, 7)), want, `${name}, 7 bytes at a time`);
    assert.deepEqual(streamed(cuts(bytes, 7), { maxIssues: 2, unknownFields: "error" }), normalizeRuns(text, { maxIssues: 2, unknownFields: "error" }), name);
  }
});

test("SPEC §7, §8: NormalizeStream.pushText hands out the same runs as NDJSON text, each line what JSON.stringify writes", () => {
  for (const [name, text] of Object.entries(TEXTS)) {
    const want = normalizeRuns(text);
    const bytes = enc.encode(text);
    assert.deepEqual(streamedText([text]), want, name);
    assert.deepEqual(streamedText(cuts(text, 1)), want, `${name}, 1 unit at a time`);
    assert.deepEqual(streamedText(cuts(bytes, 7), { maxIssues: 2, unknownFields: "error" }), normalizeRuns(text, { maxIssues: 2, unknownFields: "error" }), name);
    // Line for line the text JSON.stringify writes of the run objects push hands out.
    const s = new NormalizeStream();
    const lines = s.pushText(text).runs;
    s.finish();
    const t = new NormalizeStream();
    const objects = t.push(text).runs;
    t.finish();
    assert.equal(lines, objects.map((r) => `${JSON.stringify(r)}\n`).join(""), name);
  }
  const done = new NormalizeStream();
  done.finish();
  assert.throws(() => done.pushText("{}"), (e) => e instanceof SyncRunError && e.code === "stream_finished");
});

test("SPEC §7: runs come out as their record completes; format says how the text is read", () => {
  const s = new NormalizeStream();
  assert.equal(s.format, null);
  const lines = ndjson.split("\n");
  let got = s.push(`${lines[0]}\n`);
  // One line: it could still be one JSON document.
  assert.deepEqual([got.runs.length, s.format], [0, null]);
  got = s.push(`${lines[1]}\n${lines[2].slice(0, 10)}`);
  assert.equal(s.format, "ndjson");
  assert.deepEqual(got.runs.map((r) => r.id), ["é-1"]);
  assert.deepEqual(got.issues.map((i) => [i.code, i.path, i.line]), [["unknown_status", "/1/status", 2], ["invalid_number", "/1/querySize", 2]]);
  got = s.push(`${lines[2].slice(10)}\n`);
  assert.deepEqual(got.runs.map((r) => r.id), ["😀3"]);
  const end = s.finish();
  assert.equal(s.format, "ndjson", "still known after finish");
  assert.deepEqual([end.records, end.valid, end.invalid, end.duplicates], [3, 2, 1, 0]);
  assert.throws(() => s.push("{}"), (e) => e instanceof SyncRunError && e.code === "stream_finished");
  s.free();
  assert.throws(() => s.format, (e) => e instanceof SyncRunError && e.code === "stream_finished");
});

test("SPEC §3.1: maxBytes bounds one NDJSON record, as for SummaryStream; a document too large settles the stream", () => {
  const long = JSON.stringify(run({ id: "x".repeat(1000) }));
  const text = `${JSON.stringify(RUN)}\n${long}\n${JSON.stringify(run({ id: 7 }))}\n`;
  const options = { maxBytes: long.length - 1 };
  const got = streamed(cuts(text, 100), options);
  const summary = new SummaryStream(options);
  for (const c of cuts(text, 100)) summary.push(c);
  const s = summary.finish();
  assert.deepEqual([got.records, got.valid, got.invalid], [s.records, s.valid, s.invalid]);
  assert.deepEqual(got.issues, s.issues);
  assert.equal(got.issues[0].code, "input_too_large");
  const doc = new NormalizeStream({ maxBytes: 100 });
  doc.push(JSON.stringify(RUNS));
  assert.equal(doc.settled(), true);
  const end = doc.finish();
  assert.deepEqual([end.records, end.runs, end.issues.map((i) => i.code)], [0, [], ["input_too_large"]]);
  const stream = new SummaryStream({ maxBytes: 100 });
  stream.push(JSON.stringify(RUNS));
  assert.equal(stream.settled(), true);
});

test("SPEC §3: issues of a JSON document have the line and column of the value their path names", () => {
  const text = TEXTS.pretty;
  const doc = JSON.parse(text);
  const lines = text.split("\n");
  const { issues } = normalizeRuns(text);
  assert.ok(issues.length >= 4);
  for (const issue of issues) {
    assert.ok(issue.line !== null && issue.column !== null, issue.path);
    // The path as far as it exists (a missing key: the run object that lacks it).
    let want = doc;
    for (const token of issue.path.split("/").slice(1)) {
      if (want === null || typeof want !== "object" || !(token in want)) break;
      want = want[token];
    }
    const at = [...lines[issue.line - 1]].slice(issue.column - 1).join("");
    const expected = typeof want === "object" ? (Array.isArray(want) ? "[" : "{") : JSON.stringify(want);
    assert.ok(at.startsWith(expected), `${issue.code} ${issue.path}: ${at}`);
  }
  assert.deepEqual(issues.find((i) => i.code === "missing_field").path, "/data/4/createdAt");
  // Single runs too; bytes as strings; but a parsed value is not text: no positions.
  const one = JSON.stringify(run({ status: "nope" }), null, 1);
  const [bad] = validateRun(one).issues;
  assert.deepEqual([bad.line, bad.column], [3, 12]);
  assert.deepEqual(validateRun(enc.encode(one)).issues, [bad]);
  assert.deepEqual(validateRun(JSON.parse(one)).issues, [{ ...bad, line: null, column: null }]);
  assert.ok(normalizeRuns(RUNS).issues.every((i) => i.line === null && i.column === null));
});

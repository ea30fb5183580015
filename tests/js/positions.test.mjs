// SPEC §3: `line` and `column` (1-based, the column in code points) of the issues of a JSON
// document, through the package as built: in wasm the position scan runs sixteen bytes a step
// with SIMD (src/json.rs `simd`), which the host's cargo tests do not reach. Random documents
// (minified, one long line, or pretty, with CRLF or LF), non-ASCII text of every UTF-8 length
// before the issue at every alignment, read whole (string and bytes) and as a stream cut at
// random; the expected position is counted here from the text itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeRuns, summarizeRuns, SummaryStream, validateRun } from "syncrun";

const enc = new TextEncoder();

function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

// One to four UTF-8 bytes each, and the characters JSON escapes.
const CHARS = ["a", "Z", " ", "é", "ß", "€", "中", "😀", "𝄞", "\n", "\t", '"', "\\", "\u2028"];

function word(r, n) {
  let s = "";
  for (let i = 0; i < n; i++) s += CHARS[Math.floor(r() * CHARS.length)];
  return s;
}

function run(r, i, status) {
  return {
    id: `r-${i}-${word(r, Math.floor(r() * 6))}`,
    status,
    createdAt: "2024-05-01T10:00:00Z",
    startedAt: "2024-05-01T10:00:01Z",
    finishedAt: "2024-05-01T10:02:00Z",
    completionRatio: 1,
    querySize: 10,
    plannedRows: { addedCount: 1, changedCount: 0, removedCount: 0 },
    successfulRows: { addedCount: 1, changedCount: 0, removedCount: 0 },
    failedRows: { addedCount: 0, changedCount: 0, removedCount: 0 },
    error: r() < 0.3 ? word(r, Math.floor(r() * 80)) : null,
  };
}

/** Where `at` (a UTF-16 index) is in `text`: line, and column in code points. */
function position(text, at) {
  const before = text.slice(0, at);
  const nl = before.lastIndexOf("\n");
  return [before.split("\n").length, [...before.slice(nl + 1)].length + 1];
}

function documents(seed, count) {
  const r = rng(seed);
  const out = [];
  for (let k = 0; k < count; k++) {
    const runs = Array.from({ length: 1 + Math.floor(r() * 40) }, (_, i) => run(r, i, "success"));
    const bad = Math.floor(r() * runs.length);
    runs[bad].status = "MARK";
    const style = Math.floor(r() * 3);
    let text = style === 0 ? JSON.stringify(runs) : JSON.stringify(runs, null, 1 + Math.floor(r() * 3));
    if (style === 2) text = text.replaceAll("\n", "\r\n");
    if (r() < 0.5) text = `{"note":"${word(r, Math.floor(r() * 40)).replace(/[\n\t"\\\u2028]/g, "x")}","data":${text}}`;
    out.push({ text, bad, envelope: text.startsWith("{") });
  }
  return out;
}

test("SPEC §3, §3.1: invalid_json's line and column in any document, whole and streamed", () => {
  for (const { text: t, bad } of documents(7, 300)) {
    const text = t.replace('"MARK"', "#");
    const at = text.indexOf("#");
    const [line, column] = position(text, at);
    const want = (issues) => {
      const issue = issues.find((i) => i.code === "invalid_json");
      assert.ok(issue, `run ${bad}: no invalid_json`);
      assert.deepEqual([issue.line, issue.column], [line, column], `run ${bad} of ${JSON.stringify(text.slice(0, 200))}`);
    };
    want(summarizeRuns(text).issues);
    want(normalizeRuns(enc.encode(text)).issues);
    // A stream cut anywhere: its windows carry the position on from one to the next.
    const r = rng(text.length);
    const s = new SummaryStream({ format: "json" });
    for (let i = 0; i < text.length; ) {
      let n = 1 + Math.floor(r() * 300);
      // Not between the halves of a pair: a bytes chunk would encode each half as U+FFFD, a
      // different text (SPEC §7; tests/js/stream.test.mjs covers those seams).
      const last = text.charCodeAt(i + n - 1);
      if (last >= 0xd800 && last < 0xdc00) n++;
      s.push(r() < 0.5 ? text.slice(i, i + n) : enc.encode(text.slice(i, i + n)));
      i += n;
    }
    want(s.finish().issues);
  }
});

test("SPEC §3: an unknown status's line and column in any document (the value its path names)", () => {
  for (const { text: t, bad, envelope } of documents(11, 300)) {
    const text = t.replace('"MARK"', '"nope"');
    const [line, column] = position(text, text.indexOf('"nope"'));
    const path = envelope ? `/data/${bad}/status` : `/${bad}/status`;
    for (const issues of [summarizeRuns(text).issues, normalizeRuns(enc.encode(text)).issues]) {
      const issue = issues.find((i) => i.path === path);
      assert.ok(issue, `no issue at ${path}`);
      assert.deepEqual([issue.code, issue.line, issue.column], ["unknown_status", line, column]);
    }
  }
  // A single run: the position within it.
  const one = `{"id": "é😀中", "status":\r\n   "nope"}`;
  const [issue] = validateRun(one).issues.filter((i) => i.path === "/status");
  assert.deepEqual([issue.line, issue.column], [2, 4]);
});

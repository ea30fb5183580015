// src/js/boundary.js's JsonWriter: parsed values reach the core as the very text JSON.stringify
// writes (SPEC §1: the three input forms agree), though long arrays are stringified in slices
// and written a stretch at a time. Driven here as src/wasm.rs drives it, with stretches small
// enough that pieces and characters are cut at every place.
import test from "node:test";
import assert from "node:assert/strict";
import { valueToJson, JsonWriter, SyncRunError } from "../../src/js/boundary.js";
import * as api from "syncrun";
import { createRequire } from "node:module";

/** The text a writer gives, piece by piece, as src/wasm.rs asks for it (`push_value`). */
function written(value, max = Infinity) {
  const writer = valueToJson(value, max);
  assert.ok(writer instanceof JsonWriter, String(writer && writer.message));
  let text = "";
  for (;;) {
    const piece = writer.next();
    if (piece === -1) return text;
    assert.equal(typeof piece, "string", String(piece && piece.message));
    text += piece;
  }
}

function run(i) {
  return {
    id: i, status: i % 7 ? "success" : "failed", createdAt: "2024-03-01T10:00:00.000Z", startedAt: "2024-03-01T10:00:01.000Z",
    finishedAt: "2024-03-01T10:00:05.000Z",
    completionRatio: (i % 10) / 10, querySize: i * 3,
    plannedRows: { addedCount: i, changedCount: 0, removedCount: 0 },
    successfulRows: { addedCount: i, changedCount: 0, removedCount: 0 },
    failedRows: { addedCount: 0, changedCount: 0, removedCount: 0 },
    error: i % 7 ? null : `bad row 😀 é ${i}`,
  };
}
const runs = (n) => Array.from({ length: n }, (_, i) => run(i));

test("SPEC §1: the writer's text is JSON.stringify's, for arrays and envelopes of every length", () => {
  const values = [];
  for (const n of [0, 1, 63, 64, 65, 127, 128, 129, 1000]) {
    values.push(runs(n));
    values.push({ data: runs(n), hasMore: n % 2 === 0 });
    values.push({ before: "x", skipped: undefined, f() {}, data: runs(n), after: [runs(70)], hasMore: null });
  }
  values.push({ a: runs(100), b: runs(65), c: 1 }); // two long arrays
  values.push([1, "two", null, [3], { four: 4 }, ...runs(80), undefined, () => 0]); // holes of JSON
  values.push(runs(200).map((r, i) => (i % 50 ? r : [r, r]))); // arrays inside the slices
  values.push(42, "text", null, true, { data: [] });
  for (const value of values) {
    const want = JSON.stringify(value);
    assert.equal(written(value), want, `${want.slice(0, 60)}…`);
  }
});

test("SPEC §1: values with toJSON, NaN or BigInt go to the careful writer, which writes them as JSON.stringify does but for NaN and BigInt", () => {
  const dated = runs(100).map((r, i) => (i === 70 ? { ...r, createdAt: new Date(Date.UTC(2024, 2, 1)) } : r));
  assert.equal(written(dated), JSON.stringify(dated));
  const withToJSON = Object.assign(runs(100), { toJSON: () => ["replaced"] });
  assert.equal(written(withToJSON), '["replaced"]');
  const nan = { data: runs(100).map((r, i) => (i === 99 ? { ...r, completionRatio: NaN } : r)) };
  assert.match(written(nan), /"completionRatio":1e999/);
  assert.match(written([{ ...run(1), querySize: 12n }, ...runs(99)]), /"querySize":12,/);
});

test("SPEC §6: a value that fails while it is written gives a SyncRunError, not an exception", () => {
  let reads = 0;
  const tricky = runs(100);
  Object.defineProperty(tricky[80], "error", {
    enumerable: true,
    get() {
      reads++;
      throw new Error("no error today");
    },
  });
  // Run 80 is in the second piece: the first is already written when the getter throws.
  const writer = valueToJson(tricky, Infinity);
  assert.equal(typeof writer.next(), "string");
  let result = writer.next();
  while (typeof result === "string") result = writer.next();
  assert.ok(result instanceof SyncRunError, String(result));
  assert.equal(result.code, "unsupported_input");
  assert.match(result.message, /no error today/);
  assert.equal(writer.next(), result, "a writer that failed keeps its failure");
  assert.equal(reads, 1);
  assert.throws(() => api.summarizeRuns(tricky), (e) => e.name === "SyncRunError" && e.code === "unsupported_input");
  assert.equal(reads, 2, "one read per call");
});

test("SPEC §1: parsed runs give the figures their text gives (long envelopes included)", () => {
  const envelope = { data: runs(1000).concat(runs(3)), hasMore: true };
  const fromValue = api.summarizeRuns(envelope);
  const fromText = api.summarizeRuns(JSON.stringify(envelope));
  // SPEC §3: positions are the text's; a parsed value is not text, so its issues have none.
  const placeless = (s) => ({ ...s, issues: s.issues.map((i) => ({ ...i, line: null, column: null })) });
  assert.deepEqual(fromValue, placeless(fromText));
  assert.ok(fromText.issues.length === 3 && fromText.issues.every((i) => i.line === 1 && i.column > 1));
  assert.ok(fromValue.issues.every((i) => i.line === null && i.column === null));
  assert.equal(fromValue.valid, 1000);
  assert.equal(fromValue.duplicates, 3);
  assert.equal(fromValue.hasMore, true);
});

test("SPEC §6, §8: a freed stream's methods throw stream_finished, 20,000 times over, and the instance stays usable", () => {
  const require = createRequire(import.meta.url);
  for (const lib of [api, require("syncrun")]) {
    for (let i = 0; i < 20_000; i++) {
      const s = new lib.SummaryStream();
      if (i % 2) s.push("{}\n");
      s.free();
      assert.throws(() => s.push("{}"), (e) => e instanceof lib.SyncRunError && e.code === "stream_finished");
      assert.throws(() => s.finish(), (e) => e instanceof lib.SyncRunError && e.code === "stream_finished");
      s.free(); // a second free is harmless
      s[Symbol.dispose]?.();
    }
    // Not a stream at all: refused before the glue hands Rust a null pointer.
    assert.throws(() => lib.SummaryStream.prototype.push.call({}, "{}"), (e) => e.code === "stream_finished");
    assert.throws(() => lib.SummaryStream.prototype.finish.call(Object.create(lib.SummaryStream.prototype)), (e) => e.code === "stream_finished");
    const s = new lib.SummaryStream();
    s.push('{"id": 1}\n');
    assert.equal(s.finish().records, 1);
    s.free();
    assert.equal(lib.summarizeRuns("[]").records, 0);
  }
});

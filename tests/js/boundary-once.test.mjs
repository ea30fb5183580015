// SPEC §1: a parsed value is read "exactly as JSON.stringify would write it, value by value":
// every getter, Proxy `get` trap, `toJSON` and boxed primitive's `valueOf` runs as many times as
// JSON.stringify runs it (once per property read), `toJSON` gets its key, and the answer is the
// answer to the text JSON.stringify writes. Checked for every export that takes parsed values,
// on single runs, arrays and envelopes long enough to be written in pieces.
import test from "node:test";
import assert from "node:assert/strict";
import * as api from "syncrun";

function run(i) {
  return {
    id: `run-${i}`,
    status: i % 5 ? "success" : "failed",
    createdAt: "2024-03-01T10:00:00.000Z",
    startedAt: "2024-03-01T10:00:01Z",
    finishedAt: "2024-03-01T10:00:05.5+01:00",
    completionRatio: (i % 10) / 10,
    querySize: i * 3,
    plannedRows: { addedCount: i, changedCount: 1, removedCount: 0 },
    successfulRows: { addedCount: i, changedCount: 0, removedCount: 0 },
    failedRows: { addedCount: 0, changedCount: 1, removedCount: 0 },
    error: i % 5 ? null : ` bad ${i} `,
  };
}

/** A log of what user code ran: one entry per getter, trap, toJSON or valueOf call. */
function recorder() {
  const log = [];
  return { log, note: (what) => log.push(what) };
}

/** Run `i` with every kind of counting reader in it, noting into `note`. */
function countingRun(i, note) {
  const r = run(i);
  const status = r.status;
  Object.defineProperty(r, "status", { enumerable: true, get: () => (note(`get status ${i}`), status) });
  r.plannedRows = new Proxy(r.plannedRows, {
    get(target, key, receiver) {
      note(`trap ${String(key)} ${i}`);
      return Reflect.get(target, key, receiver);
    },
  });
  const created = r.createdAt;
  r.createdAt = { toJSON: (key) => (note(`toJSON ${key} ${i}`), created) };
  const size = r.querySize;
  r.querySize = Object.assign(new Number(size), { valueOf: () => (note(`valueOf ${i}`), size) });
  return r;
}

/** A Proxy over an array that notes each read of it (length, toJSON, its elements). */
function countingArray(items, note, name) {
  return new Proxy(items, {
    get(target, key, receiver) {
      note(`${name} ${String(key)}`);
      return Reflect.get(target, key, receiver);
    },
  });
}

const SHAPES = {
  "one run": (note) => countingRun(0, note),
  "an array of 3": (note) => [0, 1, 2].map((i) => countingRun(i, note)),
  "an array of 150 (written in pieces)": (note) => Array.from({ length: 150 }, (_, i) => countingRun(i, note)),
  "a Proxy over an array of 130": (note) => countingArray(Array.from({ length: 130 }, (_, i) => countingRun(i, note)), note, "runs"),
  "an envelope of 200 with a hasMore getter": (note) => {
    const data = Array.from({ length: 200 }, (_, i) => countingRun(i, note));
    return Object.defineProperty({ data }, "hasMore", { enumerable: true, get: () => (note("get hasMore"), true) });
  },
  "an envelope whose data is a Proxy, with keys around it": (note) => ({
    before: { toJSON: (key) => (note(`toJSON ${key}`), "x") },
    data: countingArray(Array.from({ length: 70 }, (_, i) => countingRun(i, note)), note, "data"),
    after: countingArray([1, 2], note, "after"),
  }),
};

/** What JSON.stringify reads of a fresh value of a shape, and its text. */
function reference(shape) {
  const { log, note } = recorder();
  const text = JSON.stringify(shape(note));
  return { log, text };
}

/** A text's answer as a parsed value's: issues of text carry their line and column (SPEC §3),
 * a parsed value is no text, so its issues have none. */
function unplaced(result) {
  return JSON.parse(JSON.stringify(result), (key, v) => (v && typeof v === "object" && "severity" in v && "path" in v ? { ...v, line: null, column: null } : v));
}

const SINGLE = ["validateRun", "normalizeRun", "summarizeRun"];
const BATCH = ["summarizeRuns", "normalizeRuns"];

test("SPEC §1: every getter, trap, toJSON and valueOf runs exactly as JSON.stringify runs it, in every export", () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    const want = reference(shape);
    assert.ok(want.log.length > 0, name);
    const fns = name === "one run" ? [...SINGLE, ...BATCH] : BATCH;
    for (const f of fns) {
      const { log, note } = recorder();
      const got = api[f](shape(note));
      // The same reads, in the same order, as JSON.stringify's.
      assert.deepEqual(log, want.log, `${f}(${name})`);
      assert.deepEqual(got, unplaced(api[f](want.text)), `${f}(${name}) answers as its text does`);
    }
  }
});

test("SPEC §1: toJSON is called with its key: the member's name, the element's index, '' at the top", () => {
  const keys = (value) => {
    const seen = [];
    const mark = (v) => ({ toJSON: (key) => (seen.push(key), v) });
    return { seen, value: value(mark) };
  };
  const make = (mark) =>
    mark({ data: mark([...Array.from({ length: 66 }, (_, i) => mark({ ...run(i), status: mark("success") })), mark(run(99))]), hasMore: mark(false) });
  const want = keys(make);
  const text = JSON.stringify(want.value);
  const got = keys(make);
  assert.deepEqual(api.summarizeRuns(got.value), unplaced(api.summarizeRuns(text)));
  assert.deepEqual(got.seen, want.seen);
  assert.deepEqual(got.seen.slice(0, 4), ["", "data", "0", "status"]);
  assert.ok(got.seen.includes("65") && got.seen.includes("66") && got.seen.includes("hasMore"));
});

test("SPEC §1: a getter that changes its answer is read once, so the answer is the first one", () => {
  for (const f of [...SINGLE, ...BATCH]) {
    let reads = 0;
    const r = Object.defineProperty(run(1), "status", { enumerable: true, get: () => (++reads === 1 ? "success" : "not a status") });
    const got = api[f](f.startsWith("summarizeRuns") || f === "normalizeRuns" ? { data: [r] } : r);
    assert.equal(reads, 1, f);
    assert.deepEqual(got, api[f](f.startsWith("summarizeRuns") || f === "normalizeRuns" ? { data: [run(1)] } : run(1)), f);
  }
});

test("SPEC §1, §6: a getter in a later piece that calls the package and grows wasm memory is read once", () => {
  const big = "[" + Array(64000).fill('{"id":1}').join(",") + "]";
  let reads = 0;
  const data = Array.from({ length: 300 }, (_, i) => run(i));
  Object.defineProperty(data[250], "status", {
    enumerable: true,
    get() {
      reads++;
      api.summarizeRuns(big); // 8 MB of text: wasm memory grows under the outer call
      return "warning";
    },
  });
  const want = unplaced(api.summarizeRuns(JSON.stringify({ data: data.map((r, i) => (i === 250 ? { ...run(i), status: "warning" } : r)) })));
  reads = 0;
  assert.deepEqual(api.summarizeRuns({ data }, { maxBytes: 1e9 }), want);
  assert.equal(reads, 1);
});

test("SPEC §1, §9, §10: checkHealth and formatMetrics read a summary's getters once", () => {
  const summary = api.summarizeRuns(Array.from({ length: 5 }, (_, i) => run(i)));
  const { log, note } = recorder();
  const counted = { ...summary };
  Object.defineProperty(counted, "failureStreak", { enumerable: true, get: () => (note("failureStreak"), summary.failureStreak) });
  counted.byStatus = new Proxy(summary.byStatus, {
    get(target, key, receiver) {
      note(`byStatus ${String(key)}`);
      return Reflect.get(target, key, receiver);
    },
  });
  const options = { now: "2024-03-02T00:00:00Z" };
  const refLog = recorder();
  JSON.stringify({ ...summary, byStatus: new Proxy(summary.byStatus, { get: (t, k, r) => (refLog.note(`byStatus ${String(k)}`), Reflect.get(t, k, r)) }) });
  assert.deepEqual(api.checkHealth(counted, options), api.checkHealth(summary, options));
  assert.deepEqual(log, ["failureStreak", ...refLog.log]);
  log.length = 0;
  assert.equal(api.formatMetrics(counted), api.formatMetrics(summary));
  assert.deepEqual(log, ["failureStreak", ...refLog.log]);
});

test("SPEC §1: nesting deeper than 256 is invalid_json in a value exactly where it is in its text", () => {
  const nest = (levels, kind) => {
    let v = kind === "arrays" ? [] : { a: 1 };
    for (let i = 1; i < levels; i++) v = kind === "arrays" ? [v] : { a: v };
    return v;
  };
  const places = [
    ["the whole value", 0, (v) => v, "summarizeRuns"],
    ["an array's element", 1, (v) => [v], "summarizeRuns"],
    ["an envelope's ignored key", 1, (v) => ({ data: [], x: v }), "summarizeRuns"],
    ["a run's unknown key in an envelope", 3, (v) => ({ data: [{ ...run(1), x: v }] }), "normalizeRuns"],
    ["a row-count field in an array", 3, (v) => [{ ...run(1), failedRows: { addedCount: v, changedCount: 0, removedCount: 0 } }], "summarizeRuns"],
    ["a single run's status", 1, (v) => ({ ...run(1), status: v }), "validateRun"],
  ];
  for (const [name, around, make, f] of places) {
    for (const kind of ["arrays", "objects"]) {
      if (around === 0 && kind === "objects") continue;
      for (const total of [256, 257]) {
        const value = make(nest(total - around, kind));
        const got = api[f](value, { unknownFields: "keep" });
        const want = api[f](JSON.stringify(value), { unknownFields: "keep" });
        const what = `${kind} to ${total} levels in ${name}`;
        assert.equal(got.issues.some((i) => i.code === "invalid_json"), total > 256, what);
        // (A value has no line and column: the message of its invalid_json says so.)
        const place = (r) => ({ ...r, issues: r.issues.map((i) => [i.severity, i.code, i.path]) });
        assert.deepEqual(place(got), place(want), what);
        if (total === 256) assert.deepEqual(got, unplaced(want), what);
      }
    }
  }
});

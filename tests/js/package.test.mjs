// The package as users get it: `import "syncrun"` (ESM) from the npm workspace link (SPEC §8).
import test from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import * as api from "syncrun";
import { initSync } from "../../pkg/glue/syncrun.js";

const require = createRequire(import.meta.url);
const RUN = {
  id: 42, status: "success", createdAt: "2024-03-01T10:00:00Z", startedAt: "2024-03-01T10:00:01Z",
  finishedAt: "2024-03-01T10:00:05.500Z", completionRatio: 1, querySize: 10,
  plannedRows: { addedCount: 10, changedCount: 0, removedCount: 0 },
  successfulRows: { addedCount: 10, changedCount: 0, removedCount: 0 },
  failedRows: { addedCount: 0, changedCount: 0, removedCount: 0 }, error: null,
};
const memory = () => initSync().memory.buffer.byteLength;

// Plain data all the way down: no undefined, no Map, no class instances (SPEC §8).
function assertPlain(v, path = "") {
  assert.notEqual(v, undefined, `undefined at ${path}`);
  if (v === null || typeof v !== "object") return;
  const proto = Object.getPrototypeOf(v);
  assert.ok(proto === Object.prototype || proto === Array.prototype, `not plain at ${path}`);
  for (const [k, x] of Object.entries(v)) assertPlain(x, `${path}/${k}`);
}

test("SPEC §8: exactly the ten exports and the three additions (NormalizeStream, detectFormat, runStatuses), the same names and results through import and require", () => {
  const names = [
    "NormalizeStream", "SummaryStream", "SyncRunError", "checkHealth", "compareHealth", "detectFormat", "formatMetrics",
    "normalizeRun", "normalizeRuns", "runStatuses", "summarizeRun", "summarizeRuns", "validateRun",
  ];
  assert.deepEqual(Object.keys(api).sort(), names);
  // require() loads node.cjs, a CommonJS build of the same code with its own instance (SPEC §12:
  // `require` never meets an ES module), so the functions are equal in what they give.
  const cjs = require("syncrun");
  assert.deepEqual(Object.keys(cjs).sort(), names);
  const text = JSON.stringify([RUN, { ...RUN, id: 43, status: "failed", error: "boom" }]);
  for (const n of names.filter((n) => /^(normalize|summarize|validate)/.test(n))) assert.deepEqual(cjs[n](text), api[n](text), n);
  assert.throws(() => cjs.summarizeRuns("[]", { maxIssues: -1 }), (e) => e instanceof cjs.SyncRunError && e.code === "invalid_option");
  assert.deepEqual(require("syncrun/inline").summarizeRuns(text), api.summarizeRuns(text));
});

test("SPEC §1: string, Uint8Array, Buffer and parsed value give the same result", () => {
  const text = JSON.stringify({ data: [RUN, { ...RUN, id: "43", status: "failed", error: "boom 7" }], hasMore: true });
  const expected = api.summarizeRuns(text);
  assert.equal(expected.valid, 2);
  assert.equal(expected.hasMore, true);
  assert.deepEqual(api.summarizeRuns(new TextEncoder().encode(text)), expected);
  assert.deepEqual(api.summarizeRuns(Buffer.from(text)), expected);
  assert.deepEqual(api.summarizeRuns(JSON.parse(text)), expected);
  for (const f of ["validateRun", "normalizeRun", "summarizeRun"]) {
    const one = JSON.stringify(RUN);
    const a = api[f](one);
    assert.equal(a.valid, true, f);
    assert.deepEqual(api[f](new TextEncoder().encode(one)), a, f);
    assert.deepEqual(api[f](RUN), a, f);
  }
});

test("SPEC §8: results are plain objects with null for absent values", () => {
  const bad = { ...RUN, startedAt: null, finishedAt: undefined, status: "queued" };
  for (const r of [
    api.validateRun(bad), api.normalizeRun(bad), api.summarizeRun(bad), api.normalizeRuns([bad, RUN]),
    api.summarizeRuns("not json"), api.summarizeRuns([]), api.normalizeRun("{"),
  ]) assertPlain(r);
  const run = api.normalizeRun(bad).run;
  assert.equal(run.startedAt, null);
  assert.equal(run.finishedAt, null);
  assert.equal(api.summarizeRuns([]).durationMs.p50, null);
});

test("SPEC §2: normalized runs have the 11 keys in order; numbers up to 2^53 − 1 survive exactly", () => {
  const big = Number.MAX_SAFE_INTEGER;
  const out = api.normalizeRuns([{ ...RUN, querySize: big, plannedRows: { addedCount: big, changedCount: 0, removedCount: 0 } }]);
  assert.deepEqual(Object.keys(out.runs[0]), ["id", "status", "createdAt", "startedAt", "finishedAt", "completionRatio", "querySize", "plannedRows", "successfulRows", "failedRows", "error"]);
  assert.equal(out.runs[0].querySize, big);
  assert.equal(out.runs[0].plannedRows.addedCount, big);
  assert.equal(out.records, out.valid + out.invalid + out.duplicates);
});

test("SPEC §3.1: NaN, Infinity and BigInt inside parsed values are data, not exceptions", () => {
  const r = api.validateRun({ ...RUN, completionRatio: NaN, querySize: Infinity, plannedRows: { addedCount: 5n, changedCount: -Infinity, removedCount: 0 } });
  assert.deepEqual(r.issues.map((i) => `${i.code} ${i.path}`), [
    "invalid_number /completionRatio", "invalid_number /querySize", "invalid_number /plannedRows/changedCount",
  ]);
  assert.equal(api.validateRun({ ...RUN, createdAt: new Date("2024-03-01T10:00:00Z") }).valid, true, "Dates go through toJSON");
});

test("SPEC §6: misuse throws SyncRunError with a code; the instance stays usable", () => {
  const misuse = [
    [() => api.summarizeRuns("[]", { unknownFields: "drop" }), "invalid_option"],
    [() => api.summarizeRuns("[]", { warningIsFailure: "yes" }), "invalid_option"],
    [() => api.summarizeRuns("[]", { maxIssues: -1 }), "invalid_option"],
    [() => api.summarizeRuns("[]", { maxIssues: 1.5 }), "invalid_option"],
    [() => api.summarizeRuns("[]", { maxBytes: "1" }), "invalid_option"],
    [() => api.summarizeRuns("[]", { format: "csv" }), "invalid_option"],
    [() => api.summarizeRuns("[]", 7), "invalid_option"],
    [() => api.normalizeRuns(() => 1), "unsupported_input"],
    [() => api.normalizeRuns(Symbol("x")), "unsupported_input"],
    [() => api.normalizeRuns(undefined), "unsupported_input"],
    [() => api.normalizeRuns(new Map([[1, RUN]])), "unsupported_input"], // SPEC §1: a BigInt is read as its digits; a Map is refused
    [() => api.normalizeRuns(new ArrayBuffer(4)), "unsupported_input"],
    [() => { const a = [RUN]; a.push(a); api.normalizeRuns(a); }, "unsupported_input"],
    [() => new api.SummaryStream({ format: 1 }), "invalid_option"],
    [() => new api.SummaryStream().push(42), "unsupported_input"],
  ];
  for (const [f, code] of misuse) {
    assert.throws(f, (e) => e instanceof api.SyncRunError && e instanceof Error && e.name === "SyncRunError" && e.code === code && e.message.length > 0, String(f));
  }
  assert.equal(api.summarizeRuns([RUN]).valid, 1);
  assert.doesNotThrow(() => api.summarizeRuns("[]", { maxIssues: Infinity, maxBytes: null, unknownFields: undefined }));
});

test("SPEC §6: 10,000 failing calls of each function leave wasm memory where it was; the next call works", () => {
  const finished = new api.SummaryStream();
  finished.finish();
  const bad = {
    validateRun: [() => api.validateRun("{}", { maxIssues: -1 }), () => api.validateRun(new Uint8Array([0xff]))],
    normalizeRun: [() => api.normalizeRun({ id: NaN }), () => api.normalizeRun(Symbol("x"))],
    summarizeRun: [() => api.summarizeRun(new Uint8Array([0xff, 0xfe])), () => api.summarizeRun("{}", { format: 3 })],
    normalizeRuns: [() => api.normalizeRuns(undefined), () => api.normalizeRuns("[{]")],
    summarizeRuns: [() => api.summarizeRuns("[{]"), () => api.summarizeRuns(() => 1)],
    SummaryStream: [() => finished.push("{}"), () => new api.SummaryStream({ maxBytes: "big" }), () => {
      // A stream that was made and then misused is freed by its owner (or, later, the GC).
      const s = new api.SummaryStream();
      try { s.push(7); } finally { s.free(); }
    }],
  };
  const call = (f) => { try { f(); } catch { /* misuse is thrown; that is the point */ } };
  for (const fs of Object.values(bad)) for (const f of fs) for (let i = 0; i < 200; i++) call(f);
  const before = memory();
  for (const [name, fs] of Object.entries(bad)) {
    for (let i = 0; i < 10_000; i++) call(fs[i % fs.length]);
    assert.equal(memory(), before, `${name}: 10,000 failing calls grew wasm memory`);
  }
  assert.equal(api.summarizeRun(RUN).valid, true);
  assert.equal(api.summarizeRuns([RUN]).valid, 1);
});

test("SPEC §2: unknownFields keep makes __proto__, constructor and prototype plain data", () => {
  const text = `{"id":1,"status":"success","createdAt":"2024-03-01T10:00:00Z","startedAt":"2024-03-01T10:00:00Z",
    "finishedAt":"2024-03-01T10:00:01Z","completionRatio":1,"querySize":1,
    "plannedRows":{"addedCount":1,"changedCount":0,"removedCount":0,"__proto__":{"polluted":1}},
    "successfulRows":{"addedCount":1,"changedCount":0,"removedCount":0},"failedRows":{"addedCount":0,"changedCount":0,"removedCount":0},
    "__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":1}`;
  const { run } = api.normalizeRun(text, { unknownFields: "keep" });
  assert.deepEqual(Object.keys(run).slice(11), ["__proto__", "constructor", "prototype"]);
  assert.equal(Object.getPrototypeOf(run), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(run, "__proto__").value, { polluted: true });
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
});

test("SPEC §7: SummaryStream equals summarizeRuns; finish twice is misuse; free() releases", () => {
  const text = [RUN, { ...RUN, id: 2 }, { ...RUN, id: 3, status: "failed" }].map((r) => JSON.stringify(r)).join("\n");
  const s = new api.SummaryStream();
  s.push(text.slice(0, 17));
  s.push(new TextEncoder().encode(text.slice(17)));
  assert.deepEqual(s.finish(), api.summarizeRuns(text));
  assert.throws(() => s.finish(), (e) => e instanceof api.SyncRunError && e.code === "stream_finished");
  const before = memory();
  for (let i = 0; i < 2000; i++) { const d = new api.SummaryStream(); d.push(text); d.free(); }
  assert.equal(memory(), before);
});

test("pkg/package.json is complete for publishing", () => {
  const p = JSON.parse(readFileSync(new URL("../../pkg/package.json", import.meta.url)));
  for (const k of ["name", "version", "description", "license", "repository", "homepage", "bugs", "files", "exports", "main", "types", "browser", "bin", "sideEffects"]) assert.ok(p[k], k);
  assert.equal(p.name, "syncrun");
  assert.equal(p.engines.node, "^20.19.0 || >=22.12.0", "SPEC §12: exactly the Node range");
  // Every leaf of `exports` names its declarations: .d.ts for ES modules, .d.cts for CommonJS.
  const leaves = (o, path) => (typeof o === "string" ? [[path, o]] : Object.entries(o).flatMap(([k, v]) => leaves(v, [...path, k])));
  for (const sub of [".", "./inline"]) {
    const conditions = p.exports[sub];
    for (const [path, file] of leaves(conditions, [])) {
      if (path.at(-1) === "types") continue;
      const types = path.slice(0, -1).reduce((o, k) => o[k], conditions).types;
      assert.equal(types, file.endsWith(".cjs") ? "./index.d.cts" : "./index.d.ts", `${sub} ${path.join(".")}`);
    }
  }
  assert.equal(p.main, "./node.cjs");
  assert.equal(p.types, "./index.d.cts");
  // npm's own spelling (`npm pkg fix` would rewrite "./cli.js" and warn on publish).
  assert.deepEqual(p.bin, { syncrun: "cli.js" });
  for (const f of ["LICENSE", "README.md"]) assert.ok(p.files.includes(f), f);
});

test("SPEC §2, §8: normalizeRuns builds the same runs as normalizeRun, non-ASCII and kept keys included", () => {
  const runs = [
    { ...RUN, id: "é-😀-1", error: "  Échec: quota dépassé 😀 ", status: "failed" },
    { ...RUN, id: 7, startedAt: null, finishedAt: null, status: "QUEUED", completionRatio: 0 },
    { ...RUN, id: "x".repeat(64), error: "" },
  ];
  const text = runs.map((r) => JSON.stringify(r)).join("\n");
  for (const unknownFields of ["strip", "keep"]) {
    const batch = api.normalizeRuns(text, { unknownFields });
    assert.equal(batch.runs.length, 3);
    runs.forEach((r, i) => assert.deepEqual(batch.runs[i], api.normalizeRun(r, { unknownFields }).run, `run ${i}`));
  }
  assert.equal(api.normalizeRuns(text).runs[0].error, "Échec: quota dépassé 😀");
  const kept = `{"id":1,"status":"success","createdAt":"2024-03-01T10:00:00Z","startedAt":"2024-03-01T10:00:00Z",
    "finishedAt":"2024-03-01T10:00:01Z","completionRatio":1,"querySize":1,"syncId":"ü",
    "plannedRows":{"addedCount":1,"changedCount":0,"removedCount":0,"__proto__":{"polluted":1}},
    "successfulRows":{"addedCount":1,"changedCount":0,"removedCount":0},"failedRows":{"addedCount":0,"changedCount":0,"removedCount":0},
    "__proto__":{"polluted":true}}`;
  const [run] = api.normalizeRuns(`[${kept}]`, { unknownFields: "keep" }).runs;
  assert.deepEqual(Object.keys(run).slice(11), ["syncId", "__proto__"]);
  assert.equal(Object.getPrototypeOf(run), Object.prototype);
  assert.equal(Object.getPrototypeOf(run.plannedRows), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(run.plannedRows, "__proto__").value, { polluted: 1 });
  assert.equal({}.polluted, undefined);
  assertPlain(run);
});

test("SPEC §7: a SummaryStream dropped without finish() or free() is reclaimed by the garbage collector", () => {
  // wasm memory never shrinks, so "reclaimed" means: dropping streams again needs no more memory.
  const script = `
    import { SummaryStream } from "syncrun";
    import { initSync } from "./pkg/glue/syncrun.js";
    const memory = () => initSync().memory.buffer.byteLength;
    const drop = () => { for (let i = 0; i < 3000; i++) new SummaryStream().push('{"id": 1}\\n{"id": 2'); };
    const settle = async () => { for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); } };
    drop(); await settle();
    const first = memory();
    for (let round = 0; round < 5; round++) { drop(); await settle(); }
    console.log(JSON.stringify({ first, last: memory() }));
  `;
  const root = new URL("../../", import.meta.url);
  const out = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  const { first, last } = JSON.parse(out);
  assert.equal(last, first);
});

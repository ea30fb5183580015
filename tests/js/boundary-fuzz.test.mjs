// A property-based fuzzer of the JavaScript boundary (SPEC §1, §3.1, §6): random hostile inputs
// (detached and transferred buffers, Proxies and revoked ones, lying and throwing lengths,
// throwing getters, toJSON and messages, boxed primitives, Map/Set, SharedArrayBuffer, cycles,
// re-entrant getters, huge sparse arrays, NaN and BigInt, deep nesting, hostile options), each
// call followed by a normal call that must give the right answer. Every answer to a hostile
// call must be what the text JSON.stringify writes gives (with SPEC §1's three differences), or
// a SyncRunError, with every getter, trap, toJSON and valueOf run as JSON.stringify runs them;
// and 100,000 calls must leave wasm memory, the externref table and the shadow stack exactly
// where they started.
//
// The instance is a second copy of the package's glue, made from the same .wasm with its stack
// pointer exported (binaryen), so that the test reads it without widening the package's API.
//   SYNCRUN_FUZZ_SEED=N   replay a run (the seed is printed when a check fails)
//   SYNCRUN_FUZZ_CALLS=N  calls in the leak check (default 100,000)
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import binaryen from "binaryen";

const WASM = new URL("../../pkg/glue/syncrun_bg.wasm", import.meta.url);
const SEED = Number(process.env.SYNCRUN_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CALLS = Number(process.env.SYNCRUN_FUZZ_CALLS ?? 100_000);

/** The glue on its own instance, with the probes the leak check reads. */
async function probedInstance() {
  const mod = binaryen.readBinary(readFileSync(WASM));
  const stackPointers = [];
  for (let i = 0; i < mod.getNumGlobals(); i++) {
    const g = binaryen.getGlobalInfo(mod.getGlobalByIndex(i));
    const init = binaryen.getExpressionInfo(g.init);
    // Rust's shadow stack pointer: the one mutable i32 global, starting at the stack's top (1 MiB).
    if (g.mutable && g.type === binaryen.i32 && init.value === 1 << 20) stackPointers.push(g.name);
  }
  assert.equal(stackPointers.length, 1, "exactly one global looks like the stack pointer");
  mod.addGlobalExport(stackPointers[0], "__probe_stack_pointer");
  const bytes = mod.emitBinary();
  mod.dispose();
  const api = await import(`../../pkg/glue/syncrun.js?probe=${Date.now()}`);
  const wasm = api.initSync({ module: bytes });
  const probe = () => ({
    memory: wasm.memory.buffer.byteLength,
    table: wasm.__wbindgen_externrefs.length,
    stack: wasm.__probe_stack_pointer.value,
  });
  return { api, probe };
}

const { api, probe } = await probedInstance();

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ["success", "warning", "failed", "cancelled", "queued", "processing", "Completed"];

function randomRun(r, i) {
  const rows = () => ({ addedCount: Math.floor(r() * 100), changedCount: Math.floor(r() * 10), removedCount: 0 });
  return {
    id: r() < 0.5 ? `run-${i}` : i,
    status: STATUSES[Math.floor(r() * STATUSES.length)],
    createdAt: "2024-03-01T10:00:00.000Z",
    startedAt: "2024-03-01T10:00:01Z",
    finishedAt: r() < 0.8 ? "2024-03-01T10:00:05.5+01:00" : null,
    completionRatio: r() < 0.9 ? Math.round(r() * 100) / 100 : 1.5,
    querySize: Math.floor(r() * 1000),
    plannedRows: rows(),
    successfulRows: rows(),
    failedRows: rows(),
    error: r() < 0.3 ? `  bad ${i} é😀 ` : null,
  };
}

function isSyncRunError(e, code) {
  return e instanceof Error && e.name === "SyncRunError" && typeof e.code === "string" && (code === undefined || e.code === code);
}

const FNS = ["summarizeRuns", "normalizeRuns", "validateRun", "summarizeRun", "normalizeRun"];

/** An answer's text with the line and column of its issues left out, as a parsed value's are
 * (SPEC §3: positions are the text's). */
function unplace(text) {
  return JSON.stringify(JSON.parse(text, (key, v) => (v && typeof v === "object" && "severity" in v && "path" in v ? { ...v, line: null, column: null } : v)));
}

/** The answer, or the SyncRunError thrown, as a comparable string (`unplaced`: see unplace). */
function answer(f, input, options, unplaced = false) {
  try {
    const text = JSON.stringify(api[f](input, options));
    return unplaced ? unplace(text) : text;
  } catch (e) {
    if (!isSyncRunError(e)) throw new Error(`${f} threw a ${e?.name ?? typeof e} that is not a SyncRunError: ${e?.message}`);
    return `SyncRunError ${e.code}`;
  }
}

// The reference text of SPEC §1 for values with NaN, ±Infinity and BigInt (which JSON.stringify
// writes as null or throws on): those written as the reader is told to take them.
function referenceText(value) {
  const marks = [];
  const text = JSON.stringify(value, (k, x) => {
    if (typeof x === "bigint") return `\u0000mark${marks.push(x.toString()) - 1}\u0000`;
    if (typeof x === "number" && !Number.isFinite(x)) return `\u0000mark${marks.push(x < 0 ? "-1e999" : "1e999") - 1}\u0000`;
    return x;
  });
  return text.replace(/"\\u0000mark(\d+)\\u0000"/g, (_, i) => marks[Number(i)]);
}

// Each case: [name, make(r) → { input, options?, want }], where want is "text" (the answer to
// referenceText(make()) as text), "bytes:<text>" (that text), or a SyncRunError code.
const CASES = [
  ["plain value", (r) => {
    const make = () => (r.v ??= Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) => randomRun(r, i)));
    return { input: make(), want: { text: JSON.stringify(make()) } };
  }],
  ["detached Uint8Array", () => {
    const b = new TextEncoder().encode("[]");
    structuredClone(b.buffer, { transfer: [b.buffer] });
    return { input: b, want: "unsupported_input" };
  }],
  ["Proxy around a Uint8Array", () => {
    const b = new TextEncoder().encode('{"id":1}');
    return { input: new Proxy(b, {}), want: { text: JSON.stringify(new Proxy(new TextEncoder().encode('{"id":1}'), {})) } };
  }],
  ["revoked Proxy", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return { input: proxy, want: "unsupported_input" };
  }],
  ["Uint8Array that lies about its length", (r) => {
    const lie = Math.floor(r() * 5000);
    class Liar extends Uint8Array {
      get length() {
        return lie;
      }
    }
    const text = '[{"id":"a"}]\n';
    const b = new Liar(new TextEncoder().encode(text));
    return { input: b, options: { format: "ndjson" }, want: { text } };
  }],
  ["Uint8Array whose length throws", () => {
    class Thrower extends Uint8Array {
      get length() {
        throw new Error("no length");
      }
      get byteLength() {
        throw new Error("no byteLength");
      }
    }
    const text = '{"data":[]}';
    return { input: new Thrower(new TextEncoder().encode(text)), want: { text } };
  }],
  ["SharedArrayBuffer-backed Uint8Array", () => {
    const text = '[{"id":7,"status":"success"}]';
    const bytes = new TextEncoder().encode(text);
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.length + 8), 4, bytes.length);
    shared.set(bytes);
    return { input: shared, want: { text } };
  }],
  ["bare binary of another kind", (r) => {
    const kinds = [() => new SharedArrayBuffer(4), () => new ArrayBuffer(4), () => new Int8Array(4), () => new DataView(new ArrayBuffer(4)), () => new Uint16Array(2)];
    return { input: kinds[Math.floor(r() * kinds.length)](), want: "unsupported_input" };
  }],
  ["getter that throws", (r) => {
    const run = randomRun(r, 1);
    const thrown = [new Error("boom"), { get message() { throw new Error("message"); } }, Proxy.revocable({}, {}), Symbol("s"), null];
    let t = thrown[Math.floor(r() * thrown.length)];
    if (t && t.revoke) {
      t.revoke();
      t = t.proxy;
    }
    Object.defineProperty(run, "status", { enumerable: true, get() { throw t; } });
    return { input: [run], want: "unsupported_input" };
  }],
  ["toJSON that throws", (r) => {
    const run = randomRun(r, 2);
    run.createdAt = { toJSON() { throw new TypeError("nope"); } };
    return { input: { data: [run] }, want: "unsupported_input" };
  }],
  ["toJSON with its key, and undefined", (r) => {
    const make = () => {
      const run = randomRun(r.fork(), 3);
      run.note = { toJSON: () => undefined }; // left out, as JSON.stringify leaves it out
      run.status = { toJSON: (key) => (key === "status" ? "failed" : "wrong key") };
      return [run];
    };
    return { input: make(), options: { unknownFields: "error" }, want: { text: JSON.stringify(make()) } };
  }],
  ["boxed primitives", (r) => {
    const make = () => {
      const run = randomRun(r.fork(), 4);
      run.status = new String(run.status);
      run.querySize = new Number(run.querySize);
      run.extra = new Boolean(false);
      return run;
    };
    return { input: make(), options: { unknownFields: "keep" }, want: { text: JSON.stringify(make()) } };
  }],
  ["NaN, Infinity and BigInt at their own paths", (r) => {
    const make = () => {
      const run = randomRun(r.fork(), 5);
      const bad = [NaN, Infinity, -Infinity, 12n, 2n ** 70n];
      const keys = ["completionRatio", "querySize", "id", "note"];
      run[keys[Math.floor(r.fork()() * keys.length)]] = bad[Math.floor(r.fork()() * bad.length)];
      run.status = new String(run.status); // and a boxed one, read as in JSON.stringify
      return [run, randomRun(r.fork(), 6)];
    };
    return { input: make(), want: { text: referenceText(make()) } };
  }],
  ["Map or Set", (r) => {
    const m = r() < 0.5 ? new Map([["id", 1]]) : new Set([1]);
    return { input: r() < 0.5 ? m : [randomRun(r, 1), { ...randomRun(r, 2), extra: m }], want: "unsupported_input" };
  }],
  ["cycle", (r) => {
    const run = randomRun(r, 1);
    run.self = [run];
    return { input: [run], want: "unsupported_input" };
  }],
  ["huge sparse array", (r) => {
    const a = [];
    const unlimited = r() < 0.3; // then refused as more than wasm memory could hold
    a.length = unlimited || r() < 0.5 ? 2 ** 32 - 1 : 1e9;
    const options = { maxBytes: unlimited ? Infinity : 1000 + Math.floor(r() * 1000) };
    return { input: r() < 0.5 ? a : { data: a }, options, want: "input_too_large" };
  }],
  ["deep nesting", (r) => {
    let v = [];
    const depth = 257 + Math.floor(r() * 2000);
    for (let i = 0; i < depth; i++) v = r() < 0.5 ? [v] : { a: v };
    return { input: [v], want: "invalid_json" };
  }],
  ["re-entrant getter", (r) => {
    const make = (reenter) => {
      const run = randomRun(r.fork(), 8);
      let status = run.status;
      Object.defineProperty(run, "status", {
        enumerable: true,
        get() {
          if (reenter) api.summarizeRuns("[1,2,3]");
          return status;
        },
      });
      return [run];
    };
    return { input: make(true), want: { text: JSON.stringify(make(false)) } };
  }],
  ["counting getters, traps, toJSON and valueOf (read once, SPEC §1)", (r) => {
    // The same value built twice (r.fork()), each noting what user code ran: the package's
    // reads must be JSON.stringify's, one by one and in order.
    const make = (note) => {
      const f = r.fork();
      // Past 64 runs the value is written in pieces. (One long size: inputs of many sizes move
      // the allocator's high-water mark long after the warm-up of the leak check.)
      const n = f() < 0.3 ? 70 : 1 + Math.floor(f() * 5);
      const runs = Array.from({ length: n }, (_, i) => {
        const run = randomRun(f, i);
        const key = ["id", "status", "createdAt", "querySize", "error", "plannedRows"][Math.floor(f() * 6)];
        const v = run[key];
        switch (Math.floor(f() * 5)) {
          case 0:
            Object.defineProperty(run, key, { enumerable: true, get: () => (note(`get ${i} ${key}`), v) });
            return run;
          case 1:
            return new Proxy(run, { get: (t, k, rc) => (note(`trap ${i} ${String(k)}`), Reflect.get(t, k, rc)) });
          case 2:
            run[key] = { toJSON: (k) => (note(`toJSON ${i} ${k}`), v) };
            return run;
          case 3:
            run.querySize = Object.assign(new Number(run.querySize), { valueOf: () => (note(`valueOf ${i}`), 7) });
            return run;
          default:
            return run;
        }
      });
      const list = f() < 0.3 ? new Proxy(runs, { get: (t, k, rc) => (note(`runs ${String(k)}`), Reflect.get(t, k, rc)) }) : runs;
      return f() < 0.5 ? list : Object.defineProperty({ data: list }, "hasMore", { enumerable: true, get: () => (note("hasMore"), false) });
    };
    const expected = [];
    const text = JSON.stringify(make((w) => expected.push(w)));
    const seen = [];
    return { input: make((w) => seen.push(w)), want: { text }, reads: () => [seen, expected] };
  }],
  ["function, symbol or undefined", (r) => {
    const v = [() => 1, Symbol("x"), undefined][Math.floor(r() * 3)];
    return { input: v, want: "unsupported_input" };
  }],
  ["options getter that throws", (r) => {
    const options = Object.defineProperty({}, ["maxBytes", "format", "unknownFields"][Math.floor(r() * 3)], {
      get() {
        throw { get message() { throw new Error("no message"); } };
      },
    });
    return { input: "[]", options, want: "invalid_option" };
  }],
  ["options that are a revoked Proxy", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return { input: "[]", options: proxy, want: "invalid_option" };
  }],
  ["text with a lone surrogate", (r) => {
    const text = JSON.stringify([{ ...randomRun(r, 9), id: `a\ud800${Math.floor(r() * 9)}` }]);
    return { input: text, want: { text } };
  }],
];

/** `r` with a `fork()`: a new generator that starts at the same number every time until the
 * next `reset()`, so that a case's make() builds the same value twice. */
function forking(seed) {
  const r = prng(seed);
  let forkSeed = Math.floor(r() * 2 ** 31);
  r.fork = () => prng(forkSeed);
  r.reset = () => {
    forkSeed = Math.floor(r() * 2 ** 31);
  };
  return r;
}

const NORMAL = JSON.stringify(Array.from({ length: 20 }, (_, i) => randomRun(prng(i), i)));
const NORMAL_BYTES = new TextEncoder().encode(NORMAL);
const NORMAL_ANSWER = JSON.stringify(api.summarizeRuns(NORMAL));

/** One hostile call and the normal call after it; throws (with the seed) if either is wrong. */
function hostile(r, index, check) {
  const [name, make] = CASES[Math.floor(r() * CASES.length)];
  const f = FNS[Math.floor(r() * FNS.length)];
  r.reset();
  r.v = undefined;
  const { input, options, want, reads } = make(r);
  r.reset(); // the reference's own make() replays nothing from here
  const got = answer(f, input, options);
  const where = `case ${index} "${name}" via ${f} (SYNCRUN_FUZZ_SEED=${SEED})`;
  if (check && reads) {
    const [seen, expected] = reads();
    assert.deepEqual(seen, expected, `${where}: what user code ran`);
  }
  if (check) {
    const expected = typeof want === "string" ? want : answer(f, want.text, options, true);
    if (typeof want === "string" && want.startsWith("input_") || want === "invalid_json") {
      const result = JSON.parse(got.startsWith("SyncRunError") ? "null" : got);
      assert.ok(result && result.issues.length === 1 && result.issues[0].code === want && result.issues[0].path === "", `${where}: want one ${want} issue, got ${got.slice(0, 300)}`);
    } else if (typeof want === "string") {
      assert.equal(got, `SyncRunError ${want}`, where);
    } else {
      // Hostile inputs are parsed values or lookalike buffers: compared without positions.
      assert.equal(got.startsWith("SyncRunError") ? got : unplace(got), expected, where);
    }
  }
  // The exports that read summaries (SPEC §9, §10) take the same hostile values: an answer or a
  // SyncRunError, never anything else (answer() checks), and no leak.
  if (index % 4 === 3) answer(index % 8 === 3 ? "checkHealth" : "formatMetrics", input, options);
  const normal = index % 2 === 0 ? api.summarizeRuns(NORMAL_BYTES) : api.summarizeRuns(NORMAL);
  assert.equal(JSON.stringify(normal), NORMAL_ANSWER, `${where}: the normal call after it`);
}

test(`SPEC §1, §6: every hostile input gives the text's answer or a SyncRunError (seed ${SEED})`, () => {
  const r = forking(SEED);
  for (let i = 0; i < 3000; i++) hostile(r, i, true);
});

test(`SPEC §6: ${CALLS.toLocaleString("en-US")} hostile calls leave memory, the externref table and the stack as they were (seed ${SEED})`, () => {
  const r = forking(SEED + 1);
  for (let i = 0; i < 2000; i++) hostile(r, i, false); // memory reaches its working size
  const before = probe();
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) hostile(r, i, false);
  const after = probe();
  assert.deepEqual(after, before, `SYNCRUN_FUZZ_SEED=${SEED}`);
  console.log(`# ${CALLS} hostile calls (+ as many normal ones) in ${((performance.now() - started) / 1000).toFixed(1)} s; ${JSON.stringify(after)}`);
});

test("SPEC §6: a getter that calls the package and grows wasm memory does not spoil the outer call", () => {
  const run = randomRun(prng(1), 1);
  for (const mb of [2, 4, 8, 16, 32]) {
    const big = "[" + Array(mb * 4000).fill('{"id":1}').join(",") + "]";
    const outer = [run, { ...run, id: "x" }];
    let grown = 0;
    Object.defineProperty(outer[1], "status", {
      enumerable: true,
      get() {
        const before = probe().memory;
        api.summarizeRuns(big);
        grown += probe().memory - before;
        return "success";
      },
    });
    const want = unplace(JSON.stringify(api.summarizeRuns(JSON.stringify([run, { ...run, id: "x", status: "success" }]))));
    const got = api.summarizeRuns(outer, { maxBytes: 1e9 });
    assert.deepEqual(JSON.parse(JSON.stringify(got)), JSON.parse(want), `${mb} MB`);
  }
});

test("SPEC §6: a stream survives bad chunks, and a detached one is refused", () => {
  const lines = NORMAL.slice(1, -1).replaceAll("},{", "}\n{");
  for (let round = 0; round < 200; round++) {
    const s = new api.SummaryStream();
    const b = new TextEncoder().encode("x");
    structuredClone(b.buffer, { transfer: [b.buffer] });
    assert.throws(() => s.push(b), (e) => isSyncRunError(e, "unsupported_input"));
    assert.throws(() => s.push({}), (e) => isSyncRunError(e, "unsupported_input"));
    class Liar extends Uint8Array {
      get length() {
        return 1e6;
      }
    }
    const half = Math.floor(lines.length / 2);
    s.push(new Liar(new TextEncoder().encode(lines.slice(0, half))));
    s.push(lines.slice(half));
    assert.deepEqual(s.finish(), api.summarizeRuns(lines));
    s.free();
  }
});

// SPEC §6, §7.1: load and mergeSaved take the same hostile values, and states with random
// bytes changed or cut; merge takes streams of other options or a JSON document: an answer or
// a SyncRunError, never anything else, and no leak.
function stateCall(fn) {
  try {
    return fn();
  } catch (e) {
    if (!isSyncRunError(e)) throw new Error(`a §7.1 call threw a ${e?.name ?? typeof e} that is not a SyncRunError: ${e?.message}`);
    return null;
  }
}

function hostileStates(r, index) {
  const [, make] = CASES[Math.floor(r() * CASES.length)];
  r.reset();
  r.v = undefined;
  const { input } = make(r);
  r.reset();
  const s = new api.SummaryStream({ maxIssues: 3 });
  const lines = NORMAL.slice(1, -1).replaceAll("},{", "}\n{") + "\n";
  s.push(lines);
  const state = s.save();
  const bad = state.slice();
  for (let k = 0; k <= index % 3; k++) bad[Math.floor(r() * bad.length)] ^= 1 + Math.floor(r() * 255);
  const cut = state.subarray(0, Math.floor(r() * state.length));
  for (const value of [input, bad, cut]) {
    stateCall(() => api.SummaryStream.load(value)?.free());
    stateCall(() => s.mergeSaved(value));
  }
  // (merge's argument is checked by the package's class guard, before the glue: that is
  // tests/js/partials.test.mjs, through the package. This is the bare glue.)
  const other = new api.SummaryStream({ maxIssues: index % 2 ? 3 : 4 });
  other.push(index % 5 ? lines : "[");
  stateCall(() => s.merge(other));
  other.free();
  // Whatever was refused, the stream goes on, and its state still loads as it was.
  const again = api.SummaryStream.load(state);
  assert.deepEqual(again.finish(), api.summarizeRuns(lines, { maxIssues: 3 }));
  s.free();
}

test(`SPEC §6, §7.1: load, merge and mergeSaved of hostile values and corrupted states: a SyncRunError or an answer, memory as it was (seed ${SEED})`, () => {
  const r = forking(SEED + 2);
  for (let i = 0; i < 500; i++) hostileStates(r, i); // memory reaches its working size
  const before = probe();
  for (let i = 0; i < 3000; i++) hostileStates(r, i);
  assert.deepEqual(probe(), before, `SYNCRUN_FUZZ_SEED=${SEED}`);
});

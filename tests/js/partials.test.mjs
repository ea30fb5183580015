// SPEC §7.1 through the package: parts of one NDJSON text, each summarized by its own
// SummaryStream, saved, loaded (as another worker would) and merged, give summarizeRuns on the
// whole text; misuse is a SyncRunError with the codes of SPEC §6.
import { test } from "node:test";
import assert from "node:assert/strict";
import { summarizeRuns, SummaryStream, SyncRunError } from "syncrun";

const enc = new TextEncoder();

function run(id, status, day, { error = null, failed = 0 } = {}) {
  const created = `2024-03-0${day}T10:00:00.000Z`;
  return {
    id,
    status,
    createdAt: created,
    startedAt: `2024-03-0${day}T10:00:02.000Z`,
    finishedAt: status === "queued" ? null : `2024-03-0${day}T10:01:0${day}.500Z`,
    completionRatio: 1,
    querySize: 10 * day,
    plannedRows: { addedCount: 20, changedCount: 5, removedCount: 0 },
    successfulRows: { addedCount: 20 - failed, changedCount: 5, removedCount: 0 },
    failedRows: { addedCount: failed, changedCount: 0, removedCount: 0 },
    error,
  };
}

// Ids repeat across the parts (the earlier counts), a broken line, a blank line, warnings,
// errors with digits, a run in progress, characters of 2 and 4 bytes.
const lines = [
  JSON.stringify(run("1", "success", 1)),
  JSON.stringify(run("2", "failed", 2, { error: "Timeout after 30 s 😀" })),
  '{"id": "3", "status": ',
  "",
  JSON.stringify(run("2", "success", 3)),
  JSON.stringify(run("4", "success", 4, { failed: 3 })),
  JSON.stringify(run("1", "failed", 5, { error: "Timeout after 4 s é" })),
  JSON.stringify(run("5", "queued", 6)),
  JSON.stringify(run("6", "failed", 7)),
  JSON.stringify(run("4", "warning", 8)),
];
const text = lines.map((l) => `${l}\n`).join("");

function cutAt(parts) {
  // Split the text between lines: `parts` is a list of line counts.
  const out = [];
  let at = 0;
  for (const n of parts) {
    out.push(lines.slice(at, at + n).map((l) => `${l}\n`).join(""));
    at += n;
  }
  out.push(lines.slice(at).map((l) => `${l}\n`).join(""));
  return out;
}

function mapReduce(parts, options) {
  // Map: each part in its own stream, pushed in two chunks cut mid-line, then saved.
  const saved = parts.map((part) => {
    const s = new SummaryStream(options);
    const bytes = enc.encode(part);
    const mid = Math.floor(bytes.length / 2);
    s.push(bytes.subarray(0, mid));
    s.push(bytes.subarray(mid));
    return s.save();
  });
  // Reduce: load each and merge in input order.
  const acc = SummaryStream.load(saved[0]);
  for (const state of saved.slice(1)) acc.merge(SummaryStream.load(state));
  return acc.finish();
}

test("SPEC §7.1: save, load and merge of parts equal summarizeRuns on the whole text", () => {
  const ndjson = [{ format: "ndjson" }, { format: "ndjson", maxIssues: 2, warningIsFailure: true }];
  for (const options of [undefined, { maxIssues: 2 }, ...ndjson]) {
    const want = summarizeRuns(text, options);
    assert.ok(want.duplicates >= 3 && want.invalid >= 1, "the text has duplicates across parts and a broken line");
    for (const cuts of [[], [1], [4], [3, 2], [1, 3, 1, 1, 1, 1, 1], [0, 5, 0]]) {
      assert.deepEqual(mapReduce(cutAt(cuts), options), want, `parts ${cuts} with ${JSON.stringify(options)}`);
    }
  }
  // A part that starts with the broken line: read as NDJSON it merges exactly...
  for (const options of ndjson) {
    assert.deepEqual(mapReduce(cutAt([2, 3]), options), summarizeRuns(text, options));
  }
  // ...but with format "auto" that part alone reads as one (broken) JSON document, which
  // cannot be merged: invalid_state, not a wrong summary.
  throwsCode(() => mapReduce(cutAt([2, 3])), "invalid_state");
});

test("SPEC §7.1: a stream saved mid-line goes on after load", () => {
  const bytes = enc.encode(text);
  for (const cut of [1, 17, Math.floor(bytes.length / 2), bytes.length - 1]) {
    const s = new SummaryStream();
    s.push(bytes.subarray(0, cut));
    const t = SummaryStream.load(s.save());
    s.free();
    t.push(bytes.subarray(cut));
    assert.deepEqual(t.finish(), summarizeRuns(text));
  }
});

function throwsCode(fn, code) {
  assert.throws(fn, (e) => e instanceof SyncRunError && e.name === "SyncRunError" && e.code === code, `expected ${code}`);
}

test("SPEC §7.1: streams made with other options are invalid_option, and stay usable", () => {
  const a = new SummaryStream({ maxIssues: 3 });
  const b = new SummaryStream({ maxIssues: 4 });
  b.push(`${lines[0]}\n`);
  throwsCode(() => a.merge(b), "invalid_option");
  throwsCode(() => new SummaryStream().merge(new SummaryStream({ warningIsFailure: true })), "invalid_option");
  a.push(`${lines[1]}\n`);
  assert.deepEqual(a.finish(), summarizeRuns(`${lines[1]}\n`, { maxIssues: 3 }));
  assert.deepEqual(b.finish(), summarizeRuns(`${lines[0]}\n`, { maxIssues: 4 }));
});

test("SPEC §7.1: a merged stream is finished (stream_finished), the merging one goes on", () => {
  const a = new SummaryStream();
  const b = new SummaryStream();
  b.push(`${lines[0]}\n${lines[1]}\n`);
  a.merge(b);
  throwsCode(() => b.push("{}\n"), "stream_finished");
  throwsCode(() => b.save(), "stream_finished");
  throwsCode(() => b.finish(), "stream_finished");
  throwsCode(() => a.merge(b), "stream_finished");
  a.push(`${lines[4]}\n`);
  assert.deepEqual(a.finish(), summarizeRuns(`${lines[0]}\n${lines[1]}\n${lines[4]}\n`));
});

test("SPEC §7.1: the parts split at a line boundary: a last line without its newline ends there", () => {
  const a = new SummaryStream();
  a.push(`${lines[0]}\n${lines[1]}`); // no newline after the second line
  const b = new SummaryStream();
  b.push(`${lines[4]}\n${lines[5]}\n`);
  a.merge(b);
  const want = summarizeRuns(`${lines[0]}\n${lines[1]}\n${lines[4]}\n${lines[5]}\n`);
  assert.deepEqual(a.finish(), want);
  // Parts made by joining lines, none with a final newline.
  const parts = [lines.slice(0, 3), lines.slice(3, 7), lines.slice(7)].map((p) => p.join("\n"));
  const acc = new SummaryStream({ format: "ndjson" });
  acc.push(parts[0]);
  for (const p of parts.slice(1)) {
    const s = new SummaryStream({ format: "ndjson" });
    s.push(p);
    acc.merge(s);
  }
  assert.deepEqual(acc.finish(), summarizeRuns(text, { format: "ndjson" }));
  // A text that ends inside a UTF-8 character does not end at a line boundary: refused, and
  // neither stream changed.
  const cut = new SummaryStream();
  cut.push(new Uint8Array([...new TextEncoder().encode(`${lines[0]}\n`), 0xc3]));
  const later = new SummaryStream();
  later.push(`${lines[4]}\n`);
  throwsCode(() => cut.merge(later), "invalid_state");
  assert.deepEqual(later.finish(), summarizeRuns(`${lines[4]}\n`));
});

test("SPEC §7.1: random, truncated or corrupted bytes are invalid_state, never a crash", () => {
  const s = new SummaryStream();
  s.push(text);
  const state = s.save();
  assert.ok(state instanceof Uint8Array && state.length > 100);
  let x = 12345;
  const random = (n) =>
    Uint8Array.from({ length: n }, () => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x >>> 24;
    });
  for (const bytes of [new Uint8Array(0), random(1), random(12), random(200), random(5000), enc.encode("SRst")]) {
    throwsCode(() => SummaryStream.load(bytes), "invalid_state");
  }
  for (const n of [0, 4, 5, state.length >> 1, state.length - 1]) {
    throwsCode(() => SummaryStream.load(state.subarray(0, n)), "invalid_state");
  }
  for (let i = 0; i < state.length; i += 7) {
    const bad = state.slice();
    bad[i] ^= 0x20;
    throwsCode(() => SummaryStream.load(bad), "invalid_state");
  }
  for (const notBytes of ["not bytes", 42, null, undefined, {}, [1, 2], new Uint16Array(4), state.buffer]) {
    throwsCode(() => SummaryStream.load(notBytes), "unsupported_input");
  }
  // The instance is still usable, and the original state still loads.
  assert.deepEqual(SummaryStream.load(state).finish(), summarizeRuns(text));
});

test("SPEC §7.1: merge takes another live SummaryStream: anything else is a SyncRunError", () => {
  const a = new SummaryStream();
  a.push(`${lines[0]}\n`);
  throwsCode(() => a.merge(a), "unsupported_input");
  for (const other of [undefined, null, {}, "x", 1, { __wbg_ptr: 8 }]) {
    throwsCode(() => a.merge(other), "unsupported_input");
  }
  throwsCode(() => a.merge(Object.create(SummaryStream.prototype)), "stream_finished");
  const freed = new SummaryStream();
  freed.free();
  throwsCode(() => a.merge(freed), "stream_finished");
  const done = new SummaryStream();
  done.finish();
  throwsCode(() => a.merge(done), "stream_finished");
  throwsCode(() => done.merge(new SummaryStream()), "stream_finished");
  // A loaded stream is a SummaryStream like any other: guarded, mergeable, freeable.
  const loaded = SummaryStream.load(a.save());
  assert.ok(loaded instanceof SummaryStream);
  const b = new SummaryStream();
  b.push(`${lines[1]}\n`);
  loaded.merge(b);
  loaded.free();
  throwsCode(() => loaded.finish(), "stream_finished");
  assert.deepEqual(a.finish(), summarizeRuns(`${lines[0]}\n`));
});

test("SPEC §7.1: a string chunk cut inside a surrogate pair is saved with the state", () => {
  const emoji = JSON.stringify(run("7", "failed", 1, { error: "full 😀 disk" }));
  const cut = emoji.indexOf("😀") + 1; // between the two halves
  const s = new SummaryStream();
  s.push(emoji.slice(0, cut));
  const t = SummaryStream.load(s.save());
  t.push(`${emoji.slice(cut)}\n`);
  assert.deepEqual(t.finish(), summarizeRuns(`${emoji}\n`));
});

test("SPEC §7.1: a JSON array cannot be merged (invalid_state) but saves and loads mid-document", () => {
  const array = `[${lines[0]},\n${lines[1]}]`;
  const s = new SummaryStream();
  s.push(array.slice(0, 40));
  const t = SummaryStream.load(s.save());
  t.push(array.slice(40));
  assert.deepEqual(t.finish(), summarizeRuns(array));
  const a = new SummaryStream();
  a.push(`${lines[0]}\n`);
  const b = new SummaryStream();
  b.push(array);
  throwsCode(() => a.merge(b), "invalid_state");
  assert.deepEqual(b.finish(), summarizeRuns(array));
});

test("SPEC §7.1 (an addition): mergeable: false keeps no ledger: save and merging it after another are invalid_state", () => {
  const lean = new SummaryStream({ mergeable: false });
  lean.push(`${lines[0]}\n`);
  throwsCode(() => lean.save(), "invalid_state");
  throwsCode(() => new SummaryStream().merge(lean), "invalid_state");
  // It still takes others after it, and summarizes as any stream.
  const other = new SummaryStream();
  other.push(`${lines[1]}\n`);
  lean.merge(other);
  assert.deepEqual(lean.finish(), summarizeRuns(`${lines[0]}\n${lines[1]}\n`));
  for (const mergeable of ["no", 0, 1, {}]) {
    throwsCode(() => new SummaryStream({ mergeable }), "invalid_option");
  }
  assert.deepEqual(new SummaryStream({ mergeable: true }).finish(), summarizeRuns(""));
});

test("SPEC §7.1: mergeSaved(bytes) is merge(SummaryStream.load(bytes)), with the same errors", () => {
  for (const cuts of [[1], [3, 2], [1, 3, 1, 1, 1, 1, 1]]) {
    const parts = cutAt(cuts);
    const saved = parts.map((part) => {
      const s = new SummaryStream({ maxIssues: 2 });
      s.push(part);
      return s.save();
    });
    const acc = new SummaryStream({ maxIssues: 2, mergeable: false });
    acc.push(parts[0]);
    for (const state of saved.slice(1)) acc.mergeSaved(state);
    assert.deepEqual(acc.finish(), summarizeRuns(text, { maxIssues: 2 }), `parts ${cuts}`);
  }
  const part = new SummaryStream();
  part.push(`${lines[1]}\n`);
  const state = part.save();
  const a = new SummaryStream();
  a.push(`${lines[0]}\n`);
  for (const notBytes of ["x", null, undefined, 7, {}, new Uint16Array(2)]) throwsCode(() => a.mergeSaved(notBytes), "unsupported_input");
  const bad = state.slice();
  bad[bad.length >> 1] ^= 1;
  throwsCode(() => a.mergeSaved(bad), "invalid_state");
  throwsCode(() => new SummaryStream({ maxIssues: 9 }).mergeSaved(state), "invalid_option");
  // A text that ends in half a surrogate pair does not end at a line boundary.
  const cut = new SummaryStream();
  cut.push(`${lines[0]}\n"\ud83d`);
  throwsCode(() => cut.mergeSaved(state), "invalid_state");
  throwsCode(() => cut.merge(SummaryStream.load(state)), "invalid_state");
  // None of that changed `a`.
  a.mergeSaved(state);
  assert.deepEqual(a.finish(), summarizeRuns(`${lines[0]}\n${lines[1]}\n`));
  throwsCode(() => a.mergeSaved(state), "stream_finished");
});

// The benchmark's contenders agree (issue #6), checked without timing anything: the package on
// bytes, string, objects and in chunks, normalizeRuns, and the JavaScript a user would write
// instead (zod 4 or ajv + a summary loop, bench/contenders.mjs) give the same SPEC §5 figures,
// and the two schemas accept exactly the runs the package accepts (SPEC §2).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as syncrun from "syncrun";
import { generate } from "../../scripts/gen-runs.mjs";
import {
  ajvRun, checkAgreement, compareFigures, contenders, summarizeRecords, zodRun,
} from "../../bench/contenders.mjs";

function batch(options) {
  const text = generate({ runs: 2000, malformed: 0.02, duplicates: 0.01, inProgress: 3, ...options });
  const bytes = new TextEncoder().encode(text);
  return { text, bytes, objects: JSON.parse(text) };
}

for (const options of [
  { format: "envelope", profile: "mixed", seed: 1 },
  { format: "envelope", profile: "failing", seed: 2 },
  { format: "json", profile: "healthy", seed: 3, hasMore: true },
]) {
  test(`SPEC §5: every bench contender gives the same figures (${JSON.stringify(options)})`, () => {
    // Small chunks, so that the stream sees records cut across pushes.
    const { reference, problems } = checkAgreement(contenders(syncrun, batch(options), { chunkSize: 4096 }));
    assert.deepEqual(problems, []);
    // The data exercises validation, de-duplication and the in-progress runs.
    assert.equal(reference.records, 2000);
    assert.ok(reference.invalid > 0 && reference.duplicates > 0 && reference.inProgress > 0, JSON.stringify(reference));
  });
}

// Edge cases of SPEC §2 that the generator does not write.
const BASE = {
  id: "a", status: "success", createdAt: "2024-03-01T08:00:00Z", startedAt: "2024-03-01T08:00:01Z",
  finishedAt: "2024-03-01T08:01:00Z", completionRatio: 1, querySize: 3,
  plannedRows: { addedCount: 3, changedCount: 1, removedCount: 0 },
  successfulRows: { addedCount: 3, changedCount: 1, removedCount: 0 },
  failedRows: { addedCount: 0, changedCount: 0, removedCount: 0 }, error: null,
};
const run = (fields) => ({ ...BASE, ...fields });
const without = (key, fields) => {
  const r = run(fields);
  delete r[key];
  return r;
};
const EDGE_CASES = [
  run({ id: "  padded \u00a0", status: " SUCCESS " }),
  run({ id: 42, createdAt: "2024-02-29t23:30:00.123456789+05:30", startedAt: "2024-02-29 23:31:00z", finishedAt: "2024-02-29T18:02:00.9999Z" }),
  run({ id: "42", status: "Warning" }), // the same id as 42: a duplicate
  run({ id: 42.5 }), run({ id: -1 }), run({ id: 2 ** 53 }),
  run({ id: "" }), run({ id: "   " }), run({ id: "x".repeat(64) }), run({ id: "x".repeat(65) }),
  run({ id: "😀".repeat(64) }), run({ id: "😀".repeat(65) }), run({ id: "a\u0001b" }), run({ id: "\u0085ab" }),
  run({ id: "c1", status: "cancelled", startedAt: null, error: "  Cancelled 12 times  " }),
  run({ id: "c2", status: "failed", startedAt: null }),
  run({ id: "q1", status: "queued", startedAt: null, finishedAt: null }),
  without("finishedAt", { id: "q2", status: "processing" }),
  without("finishedAt", { id: "q3", status: "success" }),
  without("error", { id: "noerr" }),
  run({ id: "e1", status: "failed", error: "   " }),
  run({ id: "e2", status: "failed", error: "Err 1 in 22", createdAt: "2024-03-05T00:00:00+23:59" }),
  run({ id: "e3", status: "interrupted", error: "Err 3 in 4", createdAt: "2024-03-05T00:00:00-23:59" }),
  run({ id: "e4", status: "failed", error: "😀 x" }), run({ id: "e5", status: "failed", error: "\uffff x" }),
  run({ id: "t1", createdAt: "2023-02-29T00:00:00Z" }), run({ id: "t2", createdAt: "2024-01-01T24:00:00Z" }),
  run({ id: "t3", createdAt: "2024-01-01T00:00:60Z" }), run({ id: "t4", createdAt: "2024-01-01T00:00:00+24:00" }),
  run({ id: "t5", createdAt: "2024-01-01T00:00:00.Z" }), run({ id: "t6", createdAt: "2024-01-01T00:00:00" }),
  run({ id: "t7", createdAt: "0001-01-01T00:00:00+00:01" }), run({ id: "t8", createdAt: "0001-01-01T00:00:00-00:01" }),
  run({ id: "t9", createdAt: "9999-12-31T23:59:59.999Z" }), run({ id: "t10", createdAt: "9999-12-31T23:59:59.999-00:01" }),
  run({ id: "t11", createdAt: 1709280000000 }),
  run({ id: "n1", completionRatio: 1.0001 }), run({ id: "n2", querySize: 2 ** 53 }), run({ id: "n3", querySize: 2 ** 53 - 1 }),
  run({ id: "n4", failedRows: { addedCount: 0, changedCount: 0.5, removedCount: 0 } }), run({ id: "n5", querySize: "3" }),
  run({ id: "s1", status: "Completed" }), run({ id: "s2", status: "ſuccess" }), run({ id: "s3", status: 3 }),
  run({ id: "neg", startedAt: "2024-03-01T07:00:00Z", finishedAt: "2024-03-01T06:00:00Z" }),
  run({ id: "extra", plannedRows: { addedCount: 10, changedCount: 0, removedCount: 5, extra: 1 }, unknown: 3 }),
  run({ id: "legacy", plannedRows: { added: 3, changed: 1, removed: 0 } }),
  null, [], "x", 3,
];

test("SPEC §2: the zod and ajv schemas accept exactly the runs the package accepts", () => {
  for (const [i, record] of EDGE_CASES.entries()) {
    const expected = syncrun.validateRun(record).valid;
    assert.equal(zodRun(record) !== null, expected, `zod on record ${i}: ${JSON.stringify(record)}`);
    assert.equal(ajvRun(record) !== null, expected, `ajv on record ${i}: ${JSON.stringify(record)}`);
  }
});

test("SPEC §5: the summary loop over the edge cases gives the package's figures", () => {
  const reference = syncrun.summarizeRuns({ data: EDGE_CASES, hasMore: false });
  assert.ok(reference.duplicates === 1 && reference.invalid > 20, JSON.stringify(reference));
  assert.deepEqual(compareFigures(reference, summarizeRecords(EDGE_CASES, false, zodRun)), []);
  assert.deepEqual(compareFigures(reference, summarizeRecords(EDGE_CASES, false, ajvRun)), []);
});

test("the agreement check sees a difference (it cannot pass by comparing nothing)", () => {
  const a = syncrun.summarizeRuns({ data: EDGE_CASES });
  const b = structuredClone(a);
  b.daily[0].failedRows += 1;
  b.topErrors[0].lastRunId = "other";
  b.durationMs.mean *= 1 + 1e-9;
  const diff = compareFigures(a, b);
  assert.equal(diff.length, 3, diff.join("\n"));
  assert.match(diff.join("\n"), /daily\[0\]\.failedRows/);
});

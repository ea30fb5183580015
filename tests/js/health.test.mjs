// checkHealth and compareHealth through the public package API (SPEC §9, §9.3, §6): summaries
// from summarizeRuns, from a SummaryStream and read back from JSON are judged alike; misuse
// throws SyncRunError with the codes of §6.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkHealth, compareHealth, formatMetrics, summarizeRuns, SummaryStream } from "syncrun";

const HOUR = 3_600_000;
const NOW = Date.parse("2024-06-01T12:00:00.000Z");

// Twelve runs an hour apart, the last ending at 11:00:00Z; statuses as given (default success).
function runs(statuses = []) {
  return Array.from({ length: 12 }, (_, i) => {
    const created = NOW - (13 - i) * HOUR;
    const status = statuses[i] ?? "success";
    return {
      id: String(i),
      status,
      createdAt: new Date(created).toISOString(),
      startedAt: new Date(created + 1000).toISOString(),
      finishedAt: new Date(created + HOUR).toISOString(),
      completionRatio: 1,
      querySize: 100 + i,
      plannedRows: { addedCount: 10, changedCount: 0, removedCount: 0 },
      successfulRows: { addedCount: status === "success" ? 10 : 5, changedCount: 0, removedCount: 0 },
      failedRows: { addedCount: status === "success" ? 0 : 5, changedCount: 0, removedCount: 0 },
      error: status === "failed" ? "boom" : null,
    };
  });
}

const statuses = (h) => Object.fromEntries(h.checks.map((c) => [c.rule, c.status]));

test("SPEC §9: a healthy batch is ok, every check in the table's order, plain objects with nulls", () => {
  const h = checkHealth(summarizeRuns(runs()), { now: NOW });
  assert.equal(h.status, "ok");
  assert.deepEqual(h.checks.map((c) => c.rule), ["failure_streak", "success_rate", "freshness", "row_failure_rate", "duration", "volume"]);
  assert.deepEqual(statuses(h), { failure_streak: "ok", success_rate: "ok", freshness: "ok", row_failure_rate: "ok", duration: "ok", volume: "ok" });
  const fresh = h.checks[2];
  assert.equal(fresh.value, HOUR);
  assert.deepEqual([fresh.warning, fresh.critical], [86_400_000, 259_200_000]);
  assert.equal(typeof fresh.message, "string");
  assert.equal(Object.getPrototypeOf(h), Object.prototype);
  assert.deepEqual(JSON.parse(JSON.stringify(h)), h);
});

test("SPEC §9.1, §9.2: three failures in a row are critical; the row failure rate is a float ratio", () => {
  const s = summarizeRuns(runs([, , , , , , , , , "failed", "failed", "failed"]));
  const h = checkHealth(s, { now: NOW });
  assert.equal(h.status, "critical");
  const byRule = Object.fromEntries(h.checks.map((c) => [c.rule, c]));
  assert.deepEqual([byRule.failure_streak.status, byRule.failure_streak.value], ["critical", 3]);
  assert.deepEqual([byRule.success_rate.status, byRule.success_rate.value], ["critical", 9 / 12]);
  assert.deepEqual([byRule.row_failure_rate.status, byRule.row_failure_rate.value], ["critical", 5 / 10]);
  // Freshness: the last success finished at 08:00Z, four hours before NOW.
  assert.equal(byRule.freshness.value, 4 * HOUR);
});

test("SPEC §9: a summary round-tripped through JSON, and a SummaryStream's, are judged the same", () => {
  const batch = runs([, , , , , , , , , , "warning", "failed"]);
  const s = summarizeRuns(batch);
  const options = { now: "2024-06-01T12:00:00Z" };
  const direct = checkHealth(s, options);
  assert.deepEqual(checkHealth(JSON.parse(JSON.stringify(s)), options), direct);
  const stream = new SummaryStream();
  const text = batch.map((r) => JSON.stringify(r) + "\n").join("");
  stream.push(text.slice(0, 333));
  stream.push(text.slice(333));
  const streamed = stream.finish();
  assert.deepEqual(streamed, s);
  assert.deepEqual(checkHealth(streamed, options), direct);
  // formatMetrics reads them alike too (SPEC §10).
  assert.equal(formatMetrics(JSON.parse(JSON.stringify(s))), formatMetrics(s));
});

test("SPEC §9 options: now as a timestamp, as milliseconds (fraction dropped), omitted = the current time", () => {
  const s = summarizeRuns(runs());
  const fresh = (options) => checkHealth(s, options).checks[2].value;
  assert.equal(fresh({ now: "2024-06-01T14:00:00+02:00" }), HOUR);
  assert.equal(fresh({ now: NOW + 1.9 }), HOUR + 1);
  assert.equal(fresh({ now: new Date(NOW) }), HOUR); // a Date is read as JSON.stringify writes it
  const before = Date.now();
  const omitted = [fresh(), fresh({}), fresh({ now: undefined }), fresh(undefined)];
  const after = Date.now();
  const finished = Date.parse(s.lastSuccess.finishedAt);
  for (const v of omitted) assert.ok(v >= before - finished && v <= after - finished, `${v}`);
});

test("SPEC §9 options: rules override thresholds (a threshold alone keeps the other's default); false leaves a rule out", () => {
  const s = summarizeRuns(runs());
  const h = checkHealth(s, { now: NOW, rules: { freshness: { warning: HOUR - 1 }, volume: false, duration: false } });
  assert.deepEqual(h.checks.map((c) => c.rule), ["failure_streak", "success_rate", "freshness", "row_failure_rate"]);
  assert.deepEqual([h.checks[2].status, h.checks[2].warning, h.checks[2].critical], ["warning", HOUR - 1, 259_200_000]);
  assert.equal(h.status, "warning");
  // At the threshold is not above it.
  assert.equal(checkHealth(s, { now: NOW, rules: { freshness: { warning: HOUR } } }).checks[2].status, "ok");
  const none = checkHealth(s, { now: NOW, rules: Object.fromEntries(h.checks.concat({ rule: "volume" }, { rule: "duration" }).map((c) => [c.rule, false])) });
  assert.deepEqual(none, { status: "unknown", checks: [] });
});

function throwsCode(fn, code, pattern) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, "SyncRunError");
    assert.ok(e instanceof Error);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

test("SPEC §9, §6: bad options are invalid_option naming the option, rule or key", () => {
  const s = summarizeRuns(runs());
  const bad = [
    [{ now: null }, /now/],
    [{ now: NaN }, /now/],
    [{ now: Infinity }, /now/],
    [{ now: "2024-06-01 12:00" }, /now/],
    [{ now: "2024-06-01T12:00:00" }, /now/],
    [{ rules: { latency: false } }, /latency/],
    [{ rules: { duration: true } }, /rules\.duration/],
    [{ rules: { duration: { warn: 1 } } }, /warn/],
    [{ rules: { duration: { warning: NaN } } }, /rules\.duration\.warning/],
    [{ rules: { duration: { warning: -1 } } }, /rules\.duration\.warning/],
    [{ rules: { duration: { warning: "3" } } }, /rules\.duration\.warning/],
    [{ rules: { duration: { critical: 2 } } }, /rules\.duration/],
    [{ rules: { success_rate: { warning: 0.5, critical: 0.6 } } }, /rules\.success_rate/],
    [{ rules: [] }, /rules/],
  ];
  for (const [options, pattern] of bad) throwsCode(() => checkHealth(s, options), "invalid_option", pattern);
  for (const options of [3, "{}", [], true]) throwsCode(() => checkHealth(s, options), "invalid_option", /options/);
});

test("SPEC §9, §6: anything that is not a BatchSummary is invalid_summary naming the first wrong key", () => {
  const s = summarizeRuns(runs());
  const copy = () => JSON.parse(JSON.stringify(s));
  const cases = [
    [undefined, /summary must be an object/],
    [null, /summary must be an object/],
    ["{}", /summary must be an object/],
    [42, /summary must be an object/],
    [new Uint8Array([123, 125]), /summary must be an object/],
    [[], /summary must be an object/],
    [{}, /summary\.records is missing/],
    [Object.assign(copy(), { durationMs: { ...s.durationMs, p50: "1" } }), /summary\.durationMs\.p50 must be/],
    [Object.assign(copy(), { successRate: NaN }), /summary\.successRate must be a number or null/],
    [Object.assign(copy(), { lastTerminal: "yes" }), /summary\.lastTerminal must be an object or null/],
    [Object.assign(copy(), { querySize: undefined }), /summary\.querySize is missing/],
  ];
  for (const [value, pattern] of cases) {
    throwsCode(() => checkHealth(value, { now: NOW }), "invalid_summary", pattern);
    throwsCode(() => formatMetrics(value), "invalid_summary", pattern);
  }
});

test("SPEC §9.3: compareHealth raises, escalates, eases and resolves; ok <-> unknown is not reported", () => {
  const okBatch = summarizeRuns(runs());
  const failing = summarizeRuns(runs([, , , , , , , , , , , "failed"]));
  const worse = summarizeRuns(runs([, , , , , , , , , "failed", "failed", "failed"]));
  const ok = checkHealth(okBatch, { now: NOW });
  const warn = checkHealth(failing, { now: NOW, rules: { success_rate: false, row_failure_rate: false } });
  const crit = checkHealth(worse, { now: NOW, rules: { success_rate: false, row_failure_rate: false } });
  assert.deepEqual([ok.status, warn.status, crit.status], ["ok", "warning", "critical"]);
  const kinds = (changes) => changes.map((c) => `${c.rule}:${c.from}>${c.to}:${c.change}`);
  assert.deepEqual(kinds(compareHealth(ok, warn)), ["failure_streak:ok>warning:raised", "overall:ok>warning:raised"]);
  assert.deepEqual(kinds(compareHealth(warn, crit)), ["failure_streak:warning>critical:escalated", "overall:warning>critical:escalated"]);
  assert.deepEqual(kinds(compareHealth(crit, warn)), ["failure_streak:critical>warning:eased", "overall:critical>warning:eased"]);
  assert.deepEqual(kinds(compareHealth(crit, ok)), [
    "failure_streak:critical>ok:resolved",
    "success_rate:unknown>ok:",
    "row_failure_rate:unknown>ok:",
    "overall:critical>ok:resolved",
  ].filter((k) => !k.endsWith(":"))); // rules previous lacks: unknown -> ok, not reported
  assert.deepEqual(compareHealth(warn, warn), []);
  // No previous: every bad check is raised, and overall from unknown.
  const first = compareHealth(null, crit);
  assert.deepEqual(kinds(first), ["failure_streak:unknown>critical:raised", "overall:unknown>critical:raised"]);
  assert.equal(first[0].message, crit.checks[0].message);
  assert.match(first[1].message, /failure_streak/);
  // Stored as JSON by an earlier run and read back.
  assert.deepEqual(compareHealth(JSON.parse(JSON.stringify(warn)), crit), compareHealth(warn, crit));
  // An unknown judgement (no runs) against an ok one: nothing to report.
  const unknown = checkHealth(summarizeRuns([]), { now: NOW });
  assert.equal(unknown.status, "unknown");
  assert.deepEqual(compareHealth(ok, unknown), []);
  assert.deepEqual(compareHealth(unknown, ok), []);
});

test("SPEC §9.3, §6: a previous or current that is not a Health is invalid_summary", () => {
  const h = checkHealth(summarizeRuns(runs()), { now: NOW });
  throwsCode(() => compareHealth(h, null), "invalid_summary", /current must be an object/);
  throwsCode(() => compareHealth(undefined, h), "invalid_summary", /previous must be an object/);
  throwsCode(() => compareHealth({ status: "ok" }, h), "invalid_summary", /previous\.checks is missing/);
  throwsCode(() => compareHealth(h, { ...h, status: "bad" }), "invalid_summary", /current\.status/);
  const broken = { ...h, checks: [{ ...h.checks[0], warning: NaN }] };
  throwsCode(() => compareHealth(null, broken), "invalid_summary", /current\.checks\[0\]\.warning/);
  throwsCode(() => formatMetrics(summarizeRuns([]), { health: { status: "ok" } }), "invalid_summary", /options\.health\.checks/);
});

test("SPEC §6: 10,000 bad calls leave the instance working", () => {
  const s = summarizeRuns(runs());
  for (let i = 0; i < 10_000; i++) {
    try {
      checkHealth(i % 2 ? {} : s, { now: i % 3 ? null : NOW, rules: { nope: false } });
    } catch (e) {
      assert.equal(e.name, "SyncRunError");
    }
  }
  assert.equal(checkHealth(s, { now: NOW }).status, "ok");
});

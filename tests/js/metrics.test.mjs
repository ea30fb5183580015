// formatMetrics through the package (SPEC §10), read by two parsers that share no code with it:
// `promtool check metrics` (Prometheus' own linter, Debian's prometheus package) must accept the
// text with no complaint, and Python's prometheus_client text parser must find in it exactly the
// samples SPEC §10's table derives from the summary, value for value. scripts/setup.sh browser
// installs both.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { checkHealth, formatMetrics, summarizeRuns, SummaryStream } from "syncrun";
import { generate } from "../../scripts/gen-runs.mjs";

// Every sample of the text as [name, labels, value], by prometheus_client, with each family's type.
const PARSE = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append([family.name, family.type, s.name, s.labels, s.value])
print(json.dumps(out))
`;

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd} could not run (scripts/setup.sh browser installs it): ${r.error.message}`);
  return r;
}

const seconds = (ts) => Date.parse(ts) / 1000;

// The samples SPEC §10's table derives from `s` (and `health`), with the user's labels first:
// [family, type, sample name, labels, value], in the table's order.
function expectedSamples(s, labels, health) {
  const out = [];
  const add = (family, type, value, own = {}, name = family) => {
    if (value !== null) out.push([family, type, name, { ...labels, ...own }, value]);
  };
  add("syncrun_records", "gauge", s.records);
  add("syncrun_valid_runs", "gauge", s.valid);
  add("syncrun_invalid_records", "gauge", s.invalid);
  add("syncrun_duplicate_runs", "gauge", s.duplicates);
  for (const status of ["success", "warning", "failed", "cancelled", "interrupted", "queued", "querying", "processing", "reporting"]) {
    add("syncrun_runs", "gauge", s.byStatus[status], { status });
  }
  add("syncrun_success_ratio", "gauge", s.successRate);
  add("syncrun_failure_streak", "gauge", s.failureStreak);
  add("syncrun_rows", "gauge", s.attemptedRows, { kind: "attempted" });
  add("syncrun_rows", "gauge", s.rows.failed.total, { kind: "failed" });
  add("syncrun_rows", "gauge", s.skippedRows, { kind: "skipped" });
  for (const [family, stats] of [["syncrun_run_duration_seconds", s.durationMs], ["syncrun_queue_duration_seconds", s.queuedMs]]) {
    for (const [q, key] of [["0.5", "p50"], ["0.9", "p90"], ["0.95", "p95"], ["0.99", "p99"]]) {
      add(family, "summary", stats[key] === null ? null : stats[key] / 1000, { quantile: q });
    }
    add(family, "summary", stats.count === 0 ? 0 : (stats.mean * stats.count) / 1000, {}, `${family}_sum`);
    add(family, "summary", stats.count, {}, `${family}_count`);
  }
  add("syncrun_last_success_timestamp_seconds", "gauge", s.lastSuccess?.finishedAt ? seconds(s.lastSuccess.finishedAt) : null);
  add("syncrun_last_failure_timestamp_seconds", "gauge", s.lastFailure?.finishedAt ? seconds(s.lastFailure.finishedAt) : null);
  add("syncrun_latest_run_timestamp_seconds", "gauge", s.latest ? seconds(s.latest.createdAt) : null);
  if (health) {
    const code = { ok: 0, warning: 1, critical: 2, unknown: 3 };
    for (const c of health.checks) add("syncrun_health_status", "gauge", code[c.status], { rule: c.rule });
    add("syncrun_health_status", "gauge", code[health.status], { rule: "overall" });
  }
  return out;
}

function checkBothParsers(text, summary, labels, health) {
  const lint = run("promtool", ["check", "metrics"], text);
  assert.equal(lint.status, 0, `promtool check metrics:\n${lint.stdout}${lint.stderr}`);
  assert.equal(lint.stdout + lint.stderr, "", "promtool has no complaint");
  const parsed = run("python3", ["-c", PARSE], text);
  assert.equal(parsed.status, 0, parsed.stderr);
  const got = JSON.parse(parsed.stdout);
  assert.deepEqual(got, expectedSamples(summary, labels, health));
}

test("SPEC §10: a 10,000-run batch with labels and health passes promtool and parses into the summary's figures", () => {
  const text = generate({ runs: 10_000, seed: 16, profile: "mixed", malformed: 0.01, duplicates: 0.01, inProgress: 5 });
  const summary = summarizeRuns(text);
  assert.ok(summary.valid > 9000 && summary.invalid > 0 && summary.duplicates > 0, JSON.stringify(summary).slice(0, 200));
  const health = checkHealth(summary, { now: summary.latest.createdAt });
  // Values that need every escape, and text that needs none.
  const labels = { sync: 'orders "eu"\nline\\2', env: "prod é" };
  const metrics = formatMetrics(summary, { labels, health });
  assert.ok(metrics.endsWith("\n"));
  assert.ok(metrics.includes('sync="orders \\"eu\\"\\nline\\\\2"'));
  checkBothParsers(metrics, summary, labels, health);
  // The same summary from a SummaryStream, and read back from JSON: the same text.
  const stream = new SummaryStream();
  for (let i = 0; i < text.length; i += 65_536) stream.push(text.slice(i, i + 65_536));
  assert.equal(formatMetrics(stream.finish(), { labels, health }), metrics);
  assert.equal(formatMetrics(JSON.parse(JSON.stringify(summary)), JSON.parse(JSON.stringify({ labels, health }))), metrics);
});

test("SPEC §10: an empty batch, and a batch with no durations, pass both parsers (null samples left out)", () => {
  const empty = summarizeRuns([]);
  checkBothParsers(formatMetrics(empty), empty, {}, null);
  const health = checkHealth(empty, { now: 0 });
  checkBothParsers(formatMetrics(empty, { health, labels: { a: "" } }), empty, { a: "" }, health);
  const queued = summarizeRuns(generate({ runs: 20, seed: 3, inProgress: 20 }));
  assert.equal(queued.durationMs.count, 0);
  checkBothParsers(formatMetrics(queued, { labels: { job: "x" } }), queued, { job: "x" }, null);
});

test("SPEC §10, §6: a label name Prometheus forbids is invalid_option", () => {
  const s = summarizeRuns([]);
  for (const name of ["__name__", "status", "kind", "quantile", "rule", "9lives", "a-b", ""]) {
    assert.throws(() => formatMetrics(s, { labels: { [name]: "x" } }), (e) => e.name === "SyncRunError" && e.code === "invalid_option" && e.message.includes(name));
  }
  assert.throws(() => formatMetrics(s, { labels: { sync: 1 } }), (e) => e.code === "invalid_option");
  assert.throws(() => formatMetrics(s, "labels"), (e) => e.code === "invalid_option");
});

#!/usr/bin/env node
// The cost of judging a summary (issue #16): checkHealth, formatMetrics (with labels and health)
// and compareHealth on the summary of a generated batch, in Node. A report, not a test: the
// exit status is 0 whether the 50 us target is met or not. scripts/bench.sh runs it after
// bench/bench.mjs.
//
//   node bench/health.mjs [--runs N] [--rounds N] [--calls N] [--seed N]
//
// Each round times `calls` calls of each function in turn (interleaved, so a busy moment hurts
// all three alike); the figures are medians over the rounds of the time per call, wall clock
// and this process's CPU time (process.cpuUsage): on a machine shared with other work the wall
// clock also counts the time the process waited for a core.

import { parseArgs } from "node:util";
import { generate } from "../scripts/gen-runs.mjs";
import { checkHealth, compareHealth, formatMetrics, summarizeRuns } from "../pkg/node.js";

const TARGET_US = 50;

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "10000" },
    rounds: { type: "string", default: "11" },
    calls: { type: "string", default: "1000" },
    seed: { type: "string", default: "1" },
  },
});
const runs = Number(values.runs);
const rounds = Number(values.rounds);
const calls = Number(values.calls);

const summary = summarizeRuns(generate({ runs, seed: Number(values.seed), profile: "mixed", malformed: 0.01, duplicates: 0.001, inProgress: 3 }));
const now = summary.latest?.createdAt ?? 0;
const health = checkHealth(summary, { now });
const previous = checkHealth(summary, { now, rules: { freshness: { warning: 0, critical: 0 } } });
const labels = { sync: "orders", env: "prod" };

const subjects = [
  ["checkHealth(summary, { now })", () => checkHealth(summary, { now })],
  ["formatMetrics(summary, { labels, health })", () => formatMetrics(summary, { labels, health })],
  ["compareHealth(previous, current)", () => compareHealth(previous, health)],
  // A yardstick measured in the same rounds: what a plain JSON round trip of the summary costs.
  ["JSON.parse(JSON.stringify(summary))", () => JSON.parse(JSON.stringify(summary))],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const wall = subjects.map(() => []);
const cpu = subjects.map(() => []);
for (const [, f] of subjects) for (let i = 0; i < 2000; i++) f(); // warm-up
for (let r = 0; r < rounds; r++) {
  subjects.forEach(([, f], k) => {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) f();
    const t = Number(process.hrtime.bigint() - t0) / 1000 / calls;
    const c = process.cpuUsage(c0);
    wall[k].push(t);
    cpu[k].push((c.user + c.system) / calls);
  });
}

const json = JSON.stringify(summary).length;
console.log(
  `health bench: summary of ${runs.toLocaleString("en-US")} generated runs (${json.toLocaleString("en-US")} bytes of JSON, ` +
    `${summary.daily.length} days), ${rounds} rounds x ${calls} calls, medians per call`,
);
let met = 0;
subjects.forEach(([name], k) => {
  const w = median(wall[k]);
  const c = median(cpu[k]);
  const targeted = k < 2;
  if (targeted && w < TARGET_US) met++;
  const verdict = targeted ? (w < TARGET_US ? `  < ${TARGET_US} us: met` : `  < ${TARGET_US} us: NOT met`) : "";
  console.log(`  ${name.padEnd(44)} ${w.toFixed(1).padStart(7)} us wall  ${c.toFixed(1).padStart(7)} us cpu${verdict}`);
});
console.log(`issue #16 targets (checkHealth and formatMetrics < ${TARGET_US} us, wall clock): ${met} of 2 met`);

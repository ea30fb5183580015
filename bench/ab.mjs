#!/usr/bin/env node
// Same-process A/B of two builds of the glue: another pkg/glue directory (AB_OLD, e.g. a copy
// of main's) against this tree's pkg/glue (or AB_NEW), interleaved round by round, medians printed.
//   AB_OLD=/path/to/old/glue [AB_NEW=/path/to/new/glue] [AB_ONLY=regex] [AB_CPU=1] node --expose-gc bench/ab.mjs [rounds]
import { readFileSync } from "node:fs";
import { generate } from "../scripts/gen-runs.mjs";
if (!process.env.AB_OLD) throw new Error("AB_OLD=<a pkg/glue directory to compare with> is required");
const load = async (dir, tag) => {
  const m = await import(`${dir}/syncrun.js?${tag}`);
  m.initSync({ module: readFileSync(`${dir}/syncrun_bg.wasm`) });
  return m;
};
const A = await load(process.env.AB_OLD, "old");
const B = await load(process.env.AB_NEW ?? new URL("../pkg/glue", import.meta.url).pathname, "new");
const text = generate({ runs: 100000, seed: 1, format: "envelope", profile: "mixed", malformed: 0.01, duplicates: 0.001, inProgress: 3 });
const bytes = new TextEncoder().encode(text);
const value = JSON.parse(text);
const ndjson = new TextEncoder().encode(value.data.map((r) => JSON.stringify(r)).join("\n") + "\n");
// checkHealth, formatMetrics and compareHealth (issue #16), 1000 calls a case, on the summary
// of the first 10,000 runs, judged at its latest run.
const summary = A.summarizeRuns({ data: value.data.slice(0, 10000) });
const now = summary.latest?.createdAt ?? 0;
const health = A.checkHealth(summary, { now });
const previous = A.checkHealth(summary, { now, rules: { freshness: { warning: 0, critical: 0 } } });
const labels = { sync: "orders", env: "prod" };
const thousand = (f) => {
  for (let i = 0; i < 1000; i++) f();
};
// AB_CPU=1: this process's CPU time instead of the wall clock (on a machine shared with other
// builds, the wall clock also counts the time spent waiting for a core).
const CPU = process.env.AB_CPU === "1";
const ONLY = process.env.AB_ONLY ? new RegExp(process.env.AB_ONLY) : null;
const allCases = {
  "summarizeRuns(Uint8Array)": (m) => m.summarizeRuns(bytes),
  "summarizeRuns(string)": (m) => m.summarizeRuns(text),
  "summarizeRuns(objects)": (m) => m.summarizeRuns(value),
  "JSON.stringify + summarizeRuns(bytes)": (m) => m.summarizeRuns(new TextEncoder().encode(JSON.stringify(value))),
  "normalizeRuns(Uint8Array)": (m) => m.normalizeRuns(bytes),
  "SummaryStream(NDJSON, 64 KiB chunks)": (m) => {
    const s = new m.SummaryStream();
    for (let i = 0; i < ndjson.length; i += 65536) s.push(ndjson.subarray(i, i + 65536));
    return s.finish();
  },
  "checkHealth x1000": (m) => thousand(() => m.checkHealth(summary, { now })),
  "formatMetrics x1000": (m) => thousand(() => m.formatMetrics(summary, { labels, health })),
  "compareHealth x1000": (m) => thousand(() => m.compareHealth(previous, health)),
};
const cases = Object.fromEntries(Object.entries(allCases).filter(([k]) => !ONLY || ONLY.test(k)));
const rounds = Number(process.argv[2] ?? 9);
const times = {};
for (let r = 0; r < rounds + 1; r++) {
  for (const [name, f] of Object.entries(cases)) {
    for (const [tag, m] of r % 2 ? [["old", A], ["new", B]] : [["new", B], ["old", A]]) {
      globalThis.gc?.();
      const t = performance.now();
      const c = process.cpuUsage();
      f(m);
      const u = process.cpuUsage(c);
      const ms = CPU ? (u.user + u.system) / 1000 : performance.now() - t;
      if (r > 0) (times[`${name} ${tag}`] ??= []).push(ms);
    }
  }
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const name of Object.keys(cases)) {
  const o = med(times[`${name} old`]), n = med(times[`${name} new`]);
  console.log(`${name.padEnd(40)} old ${o.toFixed(1).padStart(7)} ms   new ${n.toFixed(1).padStart(7)} ms   new/old ${(n / o).toFixed(2)}`);
}
if (cases["summarizeRuns(objects)"] && cases["JSON.stringify + summarizeRuns(bytes)"]) {
  const ratio = (tag) => med(times[`summarizeRuns(objects) ${tag}`]) / med(times[`JSON.stringify + summarizeRuns(bytes) ${tag}`]);
  console.log(`objects / (stringify + bytes): old ${ratio("old").toFixed(2)}, new ${ratio("new").toFixed(2)}`);
}

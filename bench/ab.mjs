#!/usr/bin/env node
// Same-process A/B of two builds of the glue: another pkg/glue directory (AB_OLD, e.g. a copy
// of main's) against this tree's pkg/glue, interleaved round by round, medians printed.
//   AB_OLD=/path/to/old/glue [AB_ONLY=regex] node --expose-gc bench/ab.mjs [rounds]
import { readFileSync } from "node:fs";
import { generate } from "../scripts/gen-runs.mjs";
if (!process.env.AB_OLD) throw new Error("AB_OLD=<a pkg/glue directory to compare with> is required");
const load = async (dir, tag) => {
  const m = await import(`${dir}/syncrun.js?${tag}`);
  m.initSync({ module: readFileSync(`${dir}/syncrun_bg.wasm`) });
  return m;
};
const A = await load(process.env.AB_OLD, "old");
const B = await load(new URL("../pkg/glue", import.meta.url).pathname, "new");
const text = generate({ runs: 100000, seed: 1, format: "envelope", profile: "mixed", malformed: 0.01, duplicates: 0.001, inProgress: 3 });
const bytes = new TextEncoder().encode(text);
const value = JSON.parse(text);
const ONLY = process.env.AB_ONLY ? new RegExp(process.env.AB_ONLY) : null;
const allCases = {
  "summarizeRuns(Uint8Array)": (m) => m.summarizeRuns(bytes),
  "summarizeRuns(string)": (m) => m.summarizeRuns(text),
  "summarizeRuns(objects)": (m) => m.summarizeRuns(value),
  "JSON.stringify + summarizeRuns(bytes)": (m) => m.summarizeRuns(new TextEncoder().encode(JSON.stringify(value))),
  "normalizeRuns(Uint8Array)": (m) => m.normalizeRuns(bytes),
};
const cases = Object.fromEntries(Object.entries(allCases).filter(([k]) => !ONLY || ONLY.test(k)));
const rounds = Number(process.argv[2] ?? 9);
const times = {};
for (let r = 0; r < rounds + 1; r++) {
  for (const [name, f] of Object.entries(cases)) {
    for (const [tag, m] of r % 2 ? [["old", A], ["new", B]] : [["new", B], ["old", A]]) {
      globalThis.gc?.();
      const t = performance.now();
      f(m);
      const ms = performance.now() - t;
      if (r > 0) (times[`${name} ${tag}`] ??= []).push(ms);
    }
  }
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const name of Object.keys(cases)) {
  const o = med(times[`${name} old`]), n = med(times[`${name} new`]);
  console.log(`${name.padEnd(40)} main ${o.toFixed(1).padStart(7)} ms   boundary ${n.toFixed(1).padStart(7)} ms   new/old ${(n / o).toFixed(2)}`);
}
const ratio = (tag) => med(times[`summarizeRuns(objects) ${tag}`]) / med(times[`JSON.stringify + summarizeRuns(bytes) ${tag}`]);
console.log(`objects / (stringify + bytes): main ${ratio("old").toFixed(2)}, boundary ${ratio("new").toFixed(2)}`);

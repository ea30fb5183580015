#!/usr/bin/env node
// What SPEC §7.1's ledger costs a SummaryStream: the batch, a stream (mergeable, the default)
// and a stream with `mergeable: false` on the same 100,000 generated runs as NDJSON, 1 MiB
// chunks, interleaved round by round with a GC before each call; medians and ratios to the batch.
//   node --expose-gc bench/ledger.mjs [rounds]
import { generate } from "../scripts/gen-runs.mjs";
import { dataOptions } from "./bench.mjs";
import { summarizeRuns, SummaryStream } from "syncrun";

const rounds = Number(process.argv[2] ?? 25);
// npm run bench's runs, as NDJSON.
const text = generate({ ...dataOptions(), format: "ndjson" });
const bytes = Buffer.from(text);
const CHUNK = 1 << 20;
const stream = (options) => {
  const s = new SummaryStream(options);
  for (let o = 0; o < bytes.length; o += CHUNK) s.push(bytes.subarray(o, o + CHUNK));
  return s.finish();
};
const cases = { batch: () => summarizeRuns(bytes), mergeable: () => stream(), "mergeable: false": () => stream({ mergeable: false }) };
const want = JSON.stringify(cases.batch());
for (const [name, f] of Object.entries(cases)) if (JSON.stringify(f()) !== want) throw new Error(`${name} differs from the batch`);
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, f] of Object.entries(cases)) {
    globalThis.gc?.();
    const t0 = performance.now();
    f();
    times[name].push(performance.now() - t0);
  }
}
const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
for (const name of Object.keys(cases)) {
  console.log(`${name.padEnd(18)} ${median(times[name]).toFixed(1).padStart(7)} ms  ${(median(times[name]) / median(times.batch)).toFixed(2)}x the batch`);
}

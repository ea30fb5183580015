#!/usr/bin/env node
// The benchmark of issue #6 in Node (`npm run bench` runs it through scripts/bench.sh).
//
// It generates 100,000 runs as the API's envelope JSON (scripts/gen-runs.mjs, seeded, with 1%
// malformed records, a few duplicates and runs in progress, so validation and de-duplication
// matter), checks that every contender gives the same figures (exit 1 if not), then times them
// in interleaved rounds and prints median times, ratios and the targets, met or not.
// Timings are a report: the exit status is 0 whether targets are met or not.
//
//   node --expose-gc bench/bench.mjs [--runs N] [--rounds N] [--warmup N] [--seed N]
//
// Without --expose-gc it still runs, but garbage from one contender may be collected during the
// next one's timing.

import { cpus, arch, platform, release, totalmem } from "node:os";
import { readFileSync } from "node:fs";
import { gzipSync, constants } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generate } from "../scripts/gen-runs.mjs";
import {
  checkAgreement, contenders, formatTable, formatTargets, race, speedTargets, tableRows,
} from "./contenders.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WASM = join(ROOT, "pkg", "glue", "syncrun_bg.wasm");
// Issue #16's budget for the whole .wasm (issue #6 had 60 KiB, before health and metrics).
const MAX_GZIP = 64 * 1024;

/** The benchmark's batch: what bench/browser.mjs serves to the page too. */
export function dataOptions(runs = 100_000, seed = 1) {
  return { runs, seed, format: "envelope", profile: "mixed", malformed: 0.01, duplicates: 0.001, inProgress: 3 };
}

export function describeData(o, text, reference) {
  const mb = (Buffer.byteLength(text) / 1e6).toFixed(1);
  return (
    `data: ${o.runs.toLocaleString("en-US")} runs, ${o.format} JSON, ${mb} MB ` +
    `(gen-runs seed ${o.seed}, profile ${o.profile}, malformed ${o.malformed}, duplicates ${o.duplicates}, ` +
    `${o.inProgress} in progress): ${reference.valid.toLocaleString("en-US")} valid, ${reference.invalid} invalid, ` +
    `${reference.duplicates} duplicates`
  );
}

/** Retries the package import: pkg/glue is replaced while `bash scripts/build.sh` runs. */
export async function importPackage(tries = 10) {
  for (let i = 1; ; i++) {
    try {
      // A new URL each time: Node keeps a module that failed to load as failed.
      return await import(i === 1 ? "syncrun" : `${import.meta.resolve("syncrun")}?attempt=${i}`);
    } catch (e) {
      if (i >= tries) throw e;
      console.error(`bench: cannot load syncrun yet (${e.message.split("\n")[0]}); retrying in 3 s`);
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

/** CPU, cores, memory, OS and Node: where the figures come from. */
export function machineLine() {
  const cpu = cpus();
  return (
    `machine: ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `${platform()} ${release()} ${arch()}; Node ${process.version} (V8 ${process.versions.v8})`
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "100000" },
      rounds: { type: "string", default: "11" },
      warmup: { type: "string", default: "1" },
      seed: { type: "string", default: "1" },
    },
  });
  const rounds = Number(values.rounds), warmup = Number(values.warmup);
  const syncrun = await importPackage();

  console.log(`syncrun benchmark, Node — ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`);
  console.log(machineLine());

  const o = dataOptions(Number(values.runs), Number(values.seed));
  const text = generate(o);
  const bytes = new TextEncoder().encode(text);
  const objects = JSON.parse(text);
  // The same runs as NDJSON, for the stream (SPEC §7 streams NDJSON).
  const ndjson = new TextEncoder().encode(objects.data.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const list = contenders(syncrun, { text, bytes, objects, ndjson });

  const { reference, problems } = checkAgreement(list);
  console.log(describeData(o, text, reference));
  if (problems.length) {
    console.log("\ncontenders DISAGREE:");
    for (const p of problems) console.log(`  ${p}`);
    process.exitCode = 1;
    return;
  }
  console.log("agreement: every contender gives the same figures (zod and ajv: every SPEC §5 figure but the issues)");

  const gc = typeof globalThis.gc === "function" ? globalThis.gc : null;
  console.log(
    `rounds: ${rounds} timed (+${warmup} warm-up), every contender once a round in rotated order, ` +
      (gc ? "GC before each call" : "no --expose-gc: no GC between calls"),
  );
  const times = await race(list, {
    rounds,
    warmup,
    gc,
    expectValid: reference.valid,
    onRound: (r, n) => process.stderr.write(r <= 0 ? `  warm-up done\n` : `  round ${r}/${n} done\n`),
  });

  console.log("\n" + formatTable(tableRows(list, times, bytes.length)));
  console.log("ratios: median over rounds of (time / JSON.parse's time in the same round)");

  const wasm = readFileSync(WASM);
  const gz = gzipSync(wasm, { level: constants.Z_BEST_COMPRESSION }).length;
  console.log(
    `\nsyncrun_bg.wasm: ${wasm.length.toLocaleString("en-US")} bytes raw, ${gz.toLocaleString("en-US")} bytes gzip -9 ` +
      `(${(gz / 1024).toFixed(1)} KiB)`,
  );

  const targets = speedTargets(times);
  targets.push({ name: ".wasm ≤ 64 KiB gzip (issue #16)", measured: `${(gz / 1024).toFixed(1)} KiB`, met: gz <= MAX_GZIP });
  console.log("\ntargets (issues #6 and #16)\n" + formatTargets(targets));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}

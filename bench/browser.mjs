#!/usr/bin/env node
// The benchmark of issue #6 in headless Chromium (`npm run bench` runs it after bench/bench.mjs).
//
// It generates the same batch as bench/bench.mjs, serves it with the package and the page
// (bench/serve.mjs, in this process), opens bench/page.html in /usr/bin/chromium through
// playwright-core, and prints what the page measured: the same contenders (JSON.parse; the
// package on bytes, string, objects, stream; normalizeRuns; zod 4 and ajv with the summary
// loop), checked for agreement first (exit 1 if they disagree), timed in interleaved rounds.
// The .wasm size is printed by bench/bench.mjs (the same file is served here).
//
//   node bench/browser.mjs [--runs N] [--rounds N] [--warmup N] [--seed N]

import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { generate } from "../scripts/gen-runs.mjs";
import { dataOptions, machineLine } from "./bench.mjs";
import { formatTable, formatTargets } from "./contenders.mjs";
import { startServer } from "./serve.mjs";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-quic",
  // A global gc() in the page, called between contenders as in Node.
  "--js-flags=--expose-gc",
];

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "100000" },
      rounds: { type: "string", default: "11" },
      warmup: { type: "string", default: "1" },
      seed: { type: "string", default: "1" },
    },
  });
  if (!existsSync(CHROMIUM)) {
    console.error(`bench/browser.mjs: ${CHROMIUM} is missing (bash scripts/setup.sh browser)`);
    process.exitCode = 1;
    return;
  }
  const o = dataOptions(Number(values.runs), Number(values.seed));
  const data = Buffer.from(generate(o));
  const { server, base } = await startServer({ data });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") pageErrors.push(`console ${m.type()}: ${m.text()}`);
      else process.stderr.write(`  ${m.text().replace(/^bench: /, "")}\n`);
    });
    page.on("pageerror", (e) => pageErrors.push(`page error: ${e.message}`));
    await page.goto(`${base}/bench/page.html`);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 }).catch((e) => {
      throw new Error(`the bench page did not load: ${pageErrors.join("; ") || e.message}`);
    });
    const r = await page.evaluate((opts) => window.runBench(opts), {
      rounds: Number(values.rounds),
      warmup: Number(values.warmup),
    });

    console.log(`\nsyncrun benchmark, headless Chromium ${browser.version()} — ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`);
    console.log(machineLine());
    console.log(
      `data: the same ${o.runs.toLocaleString("en-US")} runs (${(data.length / 1e6).toFixed(1)} MB, served from localhost): ` +
        `${r.counts.valid.toLocaleString("en-US")} valid, ${r.counts.invalid} invalid, ${r.counts.duplicates} duplicates`,
    );
    if (r.problems.length) {
      console.log("\ncontenders DISAGREE in the browser:");
      for (const p of r.problems) console.log(`  ${p}`);
      process.exitCode = 1;
      return;
    }
    console.log("agreement: every contender gives the same figures (zod and ajv: every SPEC §5 figure but the issues)");
    console.log(
      `rounds: ${values.rounds} timed (+${values.warmup} warm-up), rotated order, ` +
        (r.gc ? "gc() before each call" : "no gc() between calls"),
    );
    console.log("\n" + formatTable(r.rows));
    console.log("ratios: median over rounds of (time / JSON.parse's time in the same round)");
    // Issue #6 sets its targets in Node (bench/bench.mjs); here the same ratios are a comparison.
    console.log(
      "\nissue #6's ratios in Chromium, for comparison (the issue's targets are measured in Node)\n" +
        formatTargets(r.targets).replace(/(all targets met|\d+ of \d+ targets met)$/, (m) => `in Chromium: ${m}`),
    );
    if (pageErrors.length) console.log(`\npage reported: ${pageErrors.join("; ")}`);
  } finally {
    await browser.close();
    server.close();
  }
}

await main();

#!/usr/bin/env node
// The demo page's big-file measurement of issue #18 (`npm run bench` runs it last): a generated
// NDJSON file of about 100 MB is picked in the demo page (scripts/serve.mjs, headless Chromium),
// and the time is taken from `setInputFiles` to the moment the page shows that file's summary,
// as tests/js/demo.e2e.test.mjs waits for it (the summary section names the file), and to the
// moment everything is drawn (the durations chart and the normalized output, which the worker's
// second pass over the runs gives). Until then the page is probed every 50 ms with a script
// call; the slowest round trip says whether it stayed responsive. The figures the page shows
// (first round) are checked against summarizeRuns of the same file in Node (exit 1 if they
// differ). A report, not a test: the target (1.0 s, every probe < 100 ms)
// is printed as met or not, and the exit code does not depend on it.
//
//   node bench/demo.mjs [--mb 100] [--rounds 3] [--workers 1]

import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { summarizeRuns } from "syncrun";

const ROOT = new URL("..", import.meta.url).pathname;
const CHROMIUM = "/usr/bin/chromium";
const TARGET_S = 1.0;
const TARGET_PROBE_MS = 100;

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "100" },
    rounds: { type: "string", default: "3" },
    // 1: the page's one-worker mode (`?workers=1`), for comparison with the default (a second
    // worker for the runs when the machine has more than one core).
    workers: { type: "string" },
  },
});
const rounds = Number(values.rounds);

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function run(cmd, args, env = {}) {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"] });
    p.on("exit", (code) => (code === 0 ? res() : rej(new Error(`${cmd} ${args.join(" ")} exited with ${code}`))));
  });
}

const tmp = mkdtempSync(join(tmpdir(), "syncrun-bench-demo-"));
const file = join(tmp, "big.ndjson");
await run(process.execPath, [
  "scripts/gen-runs.mjs", "--size", String(Number(values.mb) * 1_000_000), "--format", "ndjson", "--seed", "7",
  "--malformed", "0.01", "--duplicates", "0.001", "--in-progress", "2", "--per-day", "288", "--out", file,
]);
const bytes = statSync(file).size;
const expected = summarizeRuns(readFileSync(file));

const port = await freePort();
const server = spawn(process.execPath, ["scripts/serve.mjs"], {
  cwd: ROOT,
  env: { ...process.env, PORT: String(port), HOST: "127.0.0.1" },
  stdio: ["ignore", "pipe", "pipe"],
});
const base = `http://127.0.0.1:${port}/`;
await new Promise((res, rej) => {
  let log = "";
  const onData = (d) => {
    log += d;
    if (log.includes(`:${port}`)) res();
  };
  server.stdout.on("data", onData);
  server.stderr.on("data", onData);
  server.on("exit", (code) => rej(new Error(`scripts/serve.mjs exited (${code}):\n${log}`)));
});

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
let failed = false;
try {
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(values.workers === "1" ? `${base}?workers=1` : base);
  await page.waitForFunction(() => document.querySelector('[data-testid="progress"]')?.dataset.state === "done", null, {
    timeout: 60_000,
  });
  const seconds = [];
  const everything = [];
  const slowest = [];
  for (let r = 0; r < rounds; r++) {
    // A different name each round, so that "done" is this round's file.
    const name = `big-${r}.ndjson`;
    const path = join(tmp, name);
    if (r > 0) rmSync(join(tmp, `big-${r - 1}.ndjson`));
    copyFileSync(file, path);
    const t0 = performance.now();
    const picked = page.setInputFiles('[data-testid="file"]', path);
    const trips = [];
    let summaryAt = null;
    let done = false;
    await picked;
    // Probed until everything is drawn (the durations chart and the normalized output come
    // after the summary): the page must answer throughout.
    while (!done) {
      const p0 = performance.now();
      const state = await page.evaluate(() => ({
        state: document.querySelector('[data-testid="progress"]').dataset.state,
        summary: document.querySelector('[data-testid="summary"]').dataset.source,
        normalized: document.querySelector('[data-testid="normalized"]').dataset.source,
        text: document.querySelector("#progress-text").textContent,
      }));
      const now = performance.now();
      trips.push(now - p0);
      if (state.state === "error") throw new Error(`the page failed: ${state.text}`);
      if (summaryAt === null && state.summary === name) summaryAt = now;
      done = state.state === "done" && state.normalized === name;
      if (!done) await new Promise((res) => setTimeout(res, 50));
    }
    const s = (summaryAt - t0) / 1000;
    const all = (performance.now() - t0) / 1000;
    seconds.push(s);
    everything.push(all);
    slowest.push(Math.max(...trips));
    if (r === 0) {
      // The figures shown are the package's in Node for the same file.
      for (const field of ["records", "valid", "invalid"]) {
        const shown = await page.evaluate(
          (f) => document.querySelector(`[data-testid="summary"] [data-field="${f}"] .value`)?.textContent.trim() ?? null,
          field,
        );
        if (shown !== String(expected[field])) {
          console.error(`bench/demo.mjs: the page shows ${field} ${shown}, summarizeRuns says ${expected[field]}`);
          failed = true;
        }
      }
    }
    console.error(
      `  round ${r + 1}: summary ${s.toFixed(2)} s, everything ${all.toFixed(2)} s, ${trips.length} probes, slowest ${Math.max(...trips).toFixed(0)} ms`,
    );
  }
  if (problems.length) throw new Error(`page errors: ${problems.join("; ")}`);
  const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const s = med(seconds);
  const worst = Math.max(...slowest);
  const mb = bytes / 1e6;
  console.log(
    `demo page (${page.workers().length} worker${page.workers().length === 1 ? "" : "s"}), ${mb.toFixed(1)} MB NDJSON (${expected.records} records) picked -> summary shown: median ${s.toFixed(2)} s ` +
      `(${seconds.map((x) => x.toFixed(2)).join(", ")}; ${(mb / s).toFixed(0)} MB/s); everything drawn (durations chart, ` +
      `normalized output): median ${med(everything).toFixed(2)} s; slowest probe ${worst.toFixed(0)} ms`,
  );
  const met = s <= TARGET_S && worst < TARGET_PROBE_MS;
  console.log(`issue #18 demo target (<= ${TARGET_S} s, every probe < ${TARGET_PROBE_MS} ms): ${met ? "met" : "not met"}`);
} finally {
  await browser.close();
  server.kill();
  rmSync(tmp, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;

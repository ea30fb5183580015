// End-to-end test of the demo page (`npm run demo`) in real headless Chromium.
//
// It starts `npm run demo` on a free port, opens the page with playwright-core and the system
// Chromium (never `playwright install`), and checks what a visitor sees against what the
// package computes in Node for the same input (SPEC §5 figures, SPEC §3 issues): the default
// sample, the other samples, a pasted batch with known faults (figures, issue paths, moving the
// cursor to an issue, normalized output), keyboard use, a phone-sized screen, dark mode, and a
// generated 50 MB NDJSON file read without the page freezing. Any console error or warning,
// page error, failed or external request fails it. It writes docs/demo.png for the README.
//
//   node --test tests/js/demo.e2e.test.mjs
// Needs /usr/bin/chromium (`bash scripts/setup.sh browser`). SYNCRUN_DEMO_NO_BUILD=1 is passed
// on to scripts/demo.sh if set (serve pkg/ as built, even when src/ is newer).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { normalizeRuns, summarizeRuns } from "syncrun";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-quic",
];
const BIG_BYTES = 50_000_000;
/** The page must answer a script call this fast while it reads the big file. */
const MAX_ROUND_TRIP_MS = 250;

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (bash scripts/setup.sh browser)`;

let tmp;
let server;
let serverLog = "";
let base;
let context;
let page;
/** Console errors and warnings, page errors, failed and outside requests. */
const problems = [];
let big;

// ---------------------------------------------------------------------------------------------
// Helpers

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/**
 * Records every state the page goes through from now on, after each task that changed it
 * (polls alone miss a short stretch, and the machine decides how short): recordedStates().
 * `window.demoSnap()` is the state now, for polls.
 */
async function recordStates() {
  await page.evaluate(() => {
    const snap = () => ({
      state: document.querySelector('[data-testid="progress"]').dataset.state,
      text: document.querySelector("#progress-text").textContent,
      value: document.querySelector("#progress-bar").value,
      source: document.querySelector('[data-testid="normalized"]').dataset.source,
      summary: document.querySelector('[data-testid="summary"]').dataset.source,
      durations: document.querySelector("#chart-durations .caption-text").textContent,
    });
    window.demoSnap = snap;
    window.demoStates = [];
    window.demoObserver = new MutationObserver(() => window.demoStates.push(snap()));
    window.demoObserver.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

/** The states recorded since recordStates(), which stops recording. */
function recordedStates() {
  return page.evaluate(() => {
    window.demoObserver.disconnect();
    return window.demoStates;
  });
}

function killServer(signal) {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  try {
    process.kill(-server.pid, signal); // the whole group: npm, sh, bash and node
  } catch {
    // already gone
  }
}

async function startServer() {
  const port = await freePort();
  server = spawn("npm", ["run", "demo"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  process.on("exit", () => killServer("SIGKILL"));
  const url = `http://localhost:${port}/`;
  const up = new Promise((res, rej) => {
    const onData = (d) => {
      serverLog += d;
      if (serverLog.includes(url)) res();
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.on("exit", (code) => rej(new Error(`npm run demo exited (${code}) before serving:\n${serverLog}`)));
  });
  // A build (when pkg/ is stale) can take minutes on a small machine.
  let timer;
  const timeout = new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`npm run demo did not print ${url} in 10 minutes:\n${serverLog}`)), 600_000);
  });
  try {
    await Promise.race([up, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return url;
}

function run(cmd, args) {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => (code === 0 ? res() : rej(new Error(`${cmd} ${args.join(" ")} failed (${code}): ${err}`))));
  });
}

/** The page's number formats (www/app/format.js): run counts as plain digits, rates with decimals. */
const percent = (rate, digits = 1) => (rate === null ? "—" : `${(rate * 100).toFixed(digits)}%`);

async function figure(field) {
  return (await page.locator(`[data-testid="summary"] [data-field="${field}"] .value`).textContent()).trim();
}

/** Waits until the page shows the result for `source` (a sample or file name). */
async function waitForResult(source, timeout = 30_000) {
  await page.waitForFunction(
    (name) =>
      document.querySelector('[data-testid="progress"]').dataset.state === "done" &&
      document.querySelector('[data-testid="summary"]').dataset.source === name &&
      document.querySelector('[data-testid="normalized"]').dataset.source === name,
    source,
    { timeout },
  );
}

/** The figures shown equal those of `expected` (a BatchSummary from Node). */
async function assertFigures(expected) {
  assert.equal(await figure("records"), String(expected.records), "records");
  assert.equal(await figure("valid"), String(expected.valid), "valid");
  assert.equal(await figure("invalid"), String(expected.invalid), "invalid");
  assert.equal(await figure("successRate"), percent(expected.successRate), "success rate");
  assert.equal(await figure("failureStreak"), String(expected.failureStreak), "failure streak");
  assert.equal(await figure("failureRate"), percent(expected.failureRate, 2), "row failure rate");
  const text = await page.getByTestId("summary").textContent();
  assert.ok(text.includes(String(expected.valid)), "the summary names the number of valid runs");
  assert.ok(text.includes(percent(expected.successRate)), "the summary names the success rate");
  if (expected.latest) assert.ok(text.includes(`Run ${expected.latest.id}`), "the latest run");
  if (expected.lastFailure) {
    assert.ok(text.includes(`Run ${expected.lastFailure.id}`), "the last failure");
    if (expected.lastFailure.error) assert.ok(text.includes(expected.lastFailure.error), "the last failure's error");
  }
  for (const e of expected.topErrors) assert.ok(text.includes(e.pattern), `top error ${e.pattern}`);
}

/** The issues listed: severity, code, path and message of each, in order. */
async function shownIssues() {
  return page.locator('[data-testid="issues"] .issue').evaluateAll((items) =>
    items.map((i) => ({
      severity: i.querySelector(".badge").textContent,
      code: i.querySelector(".code").textContent,
      path: i.querySelector(".path").textContent,
      message: i.querySelector(".message").textContent,
    })),
  );
}

function assertIssues(shown, expected) {
  assert.equal(shown.length, expected.length, "number of issues listed");
  shown.forEach((s, k) => {
    const e = expected[k];
    assert.deepEqual(
      [s.severity, s.code, s.path, s.message],
      [e.severity, e.code, e.path === "" ? '"" (the whole input)' : e.path, e.message],
      `issue ${k}`,
    );
  });
}

/** Each test can run alone (--test-name-pattern): open the page first if needed. */
async function ensureOpen() {
  if (page.url() !== base) {
    await page.goto(base);
    await waitForResult("month.json");
  }
}

function assertQuiet() {
  assert.deepEqual(problems, [], "no console errors or warnings, page errors or failed requests");
}

/** Relative luminance contrast of two CSS rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** Text colour and the opaque background behind it, for each selector that matches. */
function colours(selectors) {
  return page.evaluate((sels) => {
    const bg = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c && !c.endsWith(", 0)") && c !== "transparent") return c;
      }
      return getComputedStyle(document.documentElement).backgroundColor;
    };
    return sels.flatMap((s) => [...document.querySelectorAll(s)].slice(0, 3).map((el) => ({ s, fg: getComputedStyle(el).color, bg: bg(el) })));
  }, selectors);
}

const TEXT_SELECTORS = [
  "h1", ".lede", "label", "textarea", "#progress-text", ".verdict", ".figure dt", ".figure .value", ".figure .sub",
  ".badge", ".error-text", ".chart figcaption", ".issue .code", ".issue .path", ".issue .message", ".issue .loc",
  ".explain", "#output-status", ".output", "button", ".foot",
];

async function assertContrast(scheme) {
  for (const { s, fg, bg } of await colours(TEXT_SELECTORS)) {
    const ratio = contrast(fg, bg);
    assert.ok(ratio >= 4.5, `${scheme}: ${s} has contrast ${ratio.toFixed(2)} (${fg} on ${bg})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Set-up: the server, the big file and its expected figures, the browser.

before(async () => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), "syncrun-demo-e2e-"));
  const bigPath = join(tmp, "big.ndjson");
  const generated = run(process.execPath, [
    "scripts/gen-runs.mjs", "--size", String(BIG_BYTES), "--format", "ndjson", "--seed", "7",
    "--malformed", "0.01", "--duplicates", "0.001", "--in-progress", "2", "--per-day", "288", "--out", bigPath,
  ]);
  base = await startServer();
  await generated;
  big = { path: bigPath, summary: summarizeRuns(readFileSync(bigPath)) };

  context = await chromium.launchPersistentContext(join(tmp, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    colorScheme: "light",
    acceptDownloads: true,
    timezoneId: "UTC",
    locale: "en-US",
  });
  const origin = new URL(base).origin;
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin + "/") && !u.startsWith("blob:") && !u.startsWith("data:")) problems.push(`outside request: ${u}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("worker", (w) => w.on?.("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`worker console ${m.type()}: ${m.text()}`);
  }));
});

after(async () => {
  await context?.close().catch(() => {});
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = once(server, "exit");
    killServer("SIGTERM");
    const timer = setTimeout(() => killServer("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// The tests, in order: they share one page.

test("the page opens on the month sample, explains itself and shows its figures", { skip }, async () => {
  await page.goto(base);
  await waitForResult("month.json");
  const lede = (await page.locator(".lede").textContent()).trim();
  assert.match(lede, /^[^.!?]+[.!?]$/, "one sentence says what the page does");

  const text = readFileSync(join(ROOT, "www/samples/month.json"));
  const expected = summarizeRuns(text);
  assert.ok(expected.invalid >= 2 && expected.failed >= 2, "the sample has a few failures and malformed records");
  await assertFigures(expected);
  assertIssues(await shownIssues(), expected.issues);

  // Three charts drawn, each with a text alternative.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="charts"] canvas').length === 3);
  for (const id of ["chart-durations", "chart-daily", "chart-rows"]) {
    const box = await page.locator(`#${id} canvas`).boundingBox();
    assert.ok(box.width > 200 && box.height > 100, `${id} has a size`);
    const caption = await page.locator(`#${id} figcaption`).textContent();
    assert.ok(caption.length > 60, `${id} is described in words`);
  }
  const rows = expected.rows.successful.total.toLocaleString("en-US");
  assert.ok((await page.locator("#chart-rows figcaption").textContent()).includes(rows), "rows chart caption");

  // Normalized runs: the JSON preview starts as normalizeRuns says.
  const normalized = normalizeRuns(text);
  const preview = await page.locator("#output").textContent();
  assert.ok(preview.startsWith(`[\n${JSON.stringify(normalized.runs[0])},\n`), "normalized JSON preview");

  mkdirSync(join(ROOT, "docs"), { recursive: true });
  // The whole page in one viewport, so every section is laid out (those below the fold are
  // otherwise skipped until scrolled to).
  await page.evaluate(() => document.fonts.ready);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(ROOT, "docs/demo.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  assertQuiet();
});

test("works with the keyboard alone", { skip }, async () => {
  await ensureOpen();
  await page.locator("body").focus();
  await page.evaluate(() => document.activeElement?.blur());
  const seen = [];
  for (let k = 0; k < 40; k++) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(() => {
      const a = document.activeElement;
      const cs = getComputedStyle(a);
      return {
        key: a.id || a.dataset.testid || a.className || a.tagName,
        tag: a.tagName,
        outline: cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2,
      };
    });
    seen.push(info);
    if (info.key === "output") break;
  }
  const keys = seen.map((s) => s.key);
  for (const k of ["sample", "file", "warning-is-failure", "input", "issue", "copy", "download", "output"]) {
    assert.ok(keys.includes(k), `Tab reaches ${k} (seen: ${keys.join(", ")})`);
  }
  for (const s of seen) assert.ok(s.outline, `${s.key} shows where the focus is`);

  // Enter on an issue moves the cursor to it; in a JSON document the path locates it.
  const month = readFileSync(join(ROOT, "www/samples/month.json"), "utf8");
  const first = summarizeRuns(month).issues[0];
  await page.locator('[data-testid="issues"] button.issue').first().focus();
  await page.keyboard.press("Enter");
  const sel = await page.evaluate(() => {
    const t = document.querySelector('[data-testid="input"]');
    return { focused: document.activeElement === t, start: t.selectionStart, end: t.selectionEnd };
  });
  assert.ok(sel.focused, "the text area has the focus");
  // The sample's first issue is a missing /data/<k>/plannedRows/addedCount (legacy keys): the
  // package gives it the line and column of that run's plannedRows object, the nearest part of
  // the path that exists (SPEC §3), and the cursor goes there.
  const [, data, k, key] = first.path.split("/");
  assert.deepEqual([first.code, data, key], ["missing_field", "data", "plannedRows"], first.path);
  assert.ok(first.line !== null && first.column !== null, "a JSON document's issue has a position");
  assert.equal(sel.start, sel.end, "a caret, not a selection");
  const lines = month.split("\n");
  const lineStart = lines.slice(0, first.line - 1).reduce((n, l) => n + l.length + 1, 0);
  assert.equal(sel.start, lineStart + [...lines[first.line - 1]].slice(0, first.column - 1).join("").length);
  const rest = month.slice(sel.start);
  const value = JSON.parse(rest.slice(0, rest.indexOf("}") + 1));
  assert.deepEqual(value, JSON.parse(month).data[Number(k)].plannedRows);
  assertQuiet();
});

test("fits a phone-sized screen and reads well in light and dark mode", { skip }, async () => {
  await ensureOpen();
  await assertContrast("light");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForTimeout(100);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.ok(contrast(bg, "rgb(0, 0, 0)") < 2, `dark background (${bg})`);
  await assertContrast("dark");

  await page.setViewportSize({ width: 375, height: 800 });
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 375 px (${overflow} px too wide)`);
  for (const id of ["input", "summary", "charts", "issues", "normalized", "progress", "file"]) {
    const box = await page.getByTestId(id).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 375 + 0.5, `${id} fits in 375 px`);
  }

  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 900 });
  assertQuiet();
});

test("every bundled sample can be chosen", { skip }, async () => {
  await ensureOpen();
  for (const name of ["healthy", "failing", "malformed", "month"]) {
    await page.selectOption("#sample", name);
    await waitForResult(`${name}.json`);
    const expected = summarizeRuns(readFileSync(join(ROOT, `www/samples/${name}.json`)));
    await assertFigures(expected);
    assertIssues(await shownIssues(), expected.issues);
  }
  const failing = summarizeRuns(readFileSync(join(ROOT, "www/samples/failing.json")));
  assert.ok(failing.failureStreak >= 3, "the failing sample ends in a failure streak");
  assertQuiet();
});

test("a file dropped on the page is checked, and the warning option applies", { skip }, async () => {
  await ensureOpen();
  const text = readFileSync(join(ROOT, "www/samples/healthy.json"), "utf8");
  await page.evaluate((t) => {
    const data = new DataTransfer();
    data.items.add(new File([t], "dropped.json", { type: "application/json" }));
    for (const type of ["dragenter", "dragover", "drop"]) {
      document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  }, text);
  await waitForResult("dropped.json");
  await assertFigures(summarizeRuns(text));
  assert.equal(await page.getByTestId("input").inputValue(), text, "a small file is shown in the text area");
  assert.ok(await page.locator("#drop-overlay").isHidden());

  await page.check("#warning-is-failure");
  const strict = summarizeRuns(text, { warningIsFailure: true });
  assert.notEqual(strict.successRate, summarizeRuns(text).successRate, "the sample has warning runs");
  await page.waitForFunction(
    (rate) => document.querySelector('[data-field="successRate"] .value')?.textContent === rate &&
      document.querySelector('[data-testid="progress"]').dataset.state === "done",
    percent(strict.successRate),
  );
  await assertFigures(strict);
  await page.uncheck("#warning-is-failure");
  await page.waitForFunction(() => document.querySelector('[data-testid="progress"]').dataset.state === "done");
  assertQuiet();
});

// A batch with known faults, as NDJSON: 7 records, 4 valid runs, 2 invalid, 1 duplicate.
function faultyBatch() {
  const rows = (a, c, r) => ({ addedCount: a, changedCount: c, removedCount: r });
  const run = (id, status, createdAt, extra = {}) => ({
    id, status, createdAt,
    startedAt: createdAt.replace(":00:00Z", ":00:02Z"),
    finishedAt: createdAt.replace(":00:00Z", ":01:30Z"),
    completionRatio: 1, querySize: 1000,
    plannedRows: rows(10, 5, 0), successfulRows: rows(10, 5, 0), failedRows: rows(0, 0, 0),
    error: null, ...extra,
  });
  const lines = [
    JSON.stringify(run("r1", "success", "2024-07-01T00:00:00Z")),
    JSON.stringify(run("r2", "failed", "2024-07-01T03:00:00Z", { completionRatio: 0, successfulRows: rows(0, 0, 0), error: "Query timed out after 300 seconds" })),
    JSON.stringify(run("r3", "success", "2024-07-01T01:00:00Z")),
    JSON.stringify(run("r4", "Completed", "2024-07-01T01:30:00Z")),
    '{"id":"r5","status":"success","error":"😀 déjà vu", "createdAt": 2024-07-01}',
    JSON.stringify(run("r6", "warning", "2024-07-01T02:00:00Z", { successfulRows: rows(8, 5, 0), failedRows: rows(2, 0, 0) })),
    JSON.stringify(run("r1", "success", "2024-07-01T00:00:00Z")),
  ];
  return { text: lines.join("\n") + "\n", lines };
}

test("a pasted batch with known faults: figures, issue paths, cursor, normalized output", { skip }, async () => {
  await ensureOpen();
  const { text, lines } = faultyBatch();
  const expected = summarizeRuns(text);
  // What the batch was built to give (SPEC §3, §5), and what the package says.
  assert.deepEqual(
    [expected.records, expected.valid, expected.invalid, expected.duplicates, expected.failureStreak],
    [7, 4, 2, 1, 1],
  );
  assert.equal(percent(expected.successRate), "75.0%");
  assert.deepEqual(expected.issues.map((i) => [i.code, i.path, i.line]), [
    ["unknown_status", "/3/status", 4],
    ["invalid_json", "/4", 5],
    ["duplicate_id", "/6/id", 7],
  ]);

  // Paste through the clipboard, as a visitor would.
  const input = page.getByTestId("input");
  await input.click();
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
  assert.equal(await input.inputValue(), text, "the text area holds the pasted batch");
  await waitForResult("input");
  await assertFigures(expected);
  assert.equal(await figure("successRate"), "75.0%");
  assert.equal(await figure("valid"), "4");
  assertIssues(await shownIssues(), expected.issues);
  const paths = await page.locator('[data-testid="issues"] .issue .path').allTextContents();
  assert.deepEqual(paths, ["/3/status", "/4", "/6/id"]);

  // Clicking the invalid_json issue puts the cursor at its line and column (column in code
  // points: the emoji before it is two UTF-16 units).
  const bad = expected.issues[1];
  await page.locator('[data-testid="issues"] button.issue').nth(1).click();
  const lineStart = lines.slice(0, bad.line - 1).reduce((n, l) => n + l.length + 1, 0);
  const within = [...lines[bad.line - 1]].slice(0, bad.column - 1).join("").length;
  let sel = await page.evaluate(() => {
    const t = document.querySelector('[data-testid="input"]');
    return { focused: document.activeElement === t, start: t.selectionStart, end: t.selectionEnd };
  });
  assert.deepEqual(sel, { focused: true, start: lineStart + within, end: lineStart + within });
  assert.equal(text.slice(sel.start, sel.start + 3), "-07", "the cursor is where the JSON breaks");

  // An NDJSON issue with a line only selects that record's line.
  await page.locator('[data-testid="issues"] button.issue').nth(0).click();
  sel = await page.evaluate(() => {
    const t = document.querySelector('[data-testid="input"]');
    return { start: t.selectionStart, end: t.selectionEnd };
  });
  const line4 = lines.slice(0, 3).reduce((n, l) => n + l.length + 1, 0);
  assert.deepEqual(sel, { start: line4, end: line4 + lines[3].length });

  // Normalized runs: download as JSON and as NDJSON, and copy.
  const runs = normalizeRuns(text).runs;
  assert.equal(runs.length, 4);
  const downloaded = async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    return { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8") };
  };
  let file = await downloaded();
  assert.equal(file.name, "input.normalized.json");
  assert.deepEqual(JSON.parse(file.text), runs);
  await page.check('input[name="format"][value="ndjson"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="normalized"]').dataset.format === "ndjson");
  file = await downloaded();
  assert.equal(file.name, "input.normalized.ndjson");
  assert.deepEqual(file.text.trimEnd().split("\n").map((l) => JSON.parse(l)), runs);
  assert.equal(await page.locator("#output").textContent(), file.text, "the preview shows it all");
  await page.click("#copy");
  await page.waitForFunction(() => document.querySelector("#output-status").textContent.startsWith("Copied"));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), file.text, "copied NDJSON");
  await page.check('input[name="format"][value="json"]');
  assertQuiet();
});

test("a 50 MB NDJSON file is read in the worker without freezing the page", { skip, timeout: 150_000 }, async (t) => {
  await ensureOpen();
  const expected = big.summary;
  assert.ok(expected.records > 100_000 && expected.invalid > 0 && expected.duplicates > 0);

  await recordStates();
  const started = Date.now();
  await page.setInputFiles('[data-testid="file"]', big.path);
  const trips = [];
  let done = false;
  while (!done) {
    const t0 = performance.now();
    const state = await page.evaluate(() => window.demoSnap());
    trips.push(performance.now() - t0);
    if (process.env.DEMO_E2E_TRACE) t.diagnostic(`${Date.now() - started} ms: trip ${trips.at(-1).toFixed(0)} ms, ${state.state}: ${state.text}`);
    done = state.state === "done" && state.source === "big.ndjson";
    assert.ok(Date.now() - started < 120_000, "the big file is read within 2 minutes");
    assert.notEqual(state.state, "error", state.text);
    if (!done) await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (Date.now() - started) / 1000;
  const worst = Math.max(...trips);
  const states = await recordedStates();
  t.diagnostic(`50 MB file: shown after ${seconds.toFixed(1)} s, ${trips.length} polls, slowest round trip ${worst.toFixed(0)} ms, ${states.length} states`);
  assert.ok(trips.length >= 5, "polled while the file was read");
  assert.ok(worst < MAX_ROUND_TRIP_MS, `every round trip under ${MAX_ROUND_TRIP_MS} ms (slowest ${worst.toFixed(0)} ms)`);
  const running = states.filter((p) => p.state === "running");
  const texts = () => [...new Set(running.map((p) => p.text))].join(" | ");
  // The progress bar moved, with bytes, and runs once the runs are read.
  const middle = running.filter((p) => p.value > 0 && / of 50\.0 MB/.test(p.text));
  assert.ok(new Set(middle.map((p) => p.value)).size >= 2, `the progress bar advanced, with bytes: ${texts()}`);
  assert.ok(middle.some((p) => /^Reading the runs of big\.ndjson: .* of 50\.0 MB.*, \d+ runs$/.test(p.text)), `the progress showed runs: ${texts()}`);
  // The worker's first pass gives the summary, shown before the second pass has read the runs
  // (for the durations chart and the normalized output), which says so meanwhile: the states
  // with the summary on screen and the result ("Checked …") not yet come.
  const early = running.filter((p) => p.summary === "big.ndjson" && !p.text.startsWith("Checked "));
  assert.ok(early.length >= 1, `the summary was shown before the runs were read: ${texts()}`);
  assert.ok(early.some((p) => /^Reading the runs of big\.ndjson: /.test(p.text)), early.map((p) => p.text).join(" | "));
  assert.ok(early.every((p) => p.source !== "big.ndjson"), "the normalized output waits for the runs");
  assert.ok(running.some((p) => p.summary === "big.ndjson" && p.durations === "— reading the runs…"), "the durations chart says it waits for the runs");

  // The figures shown are the package's in Node for the same file; they replaced the old ones.
  await waitForResult("big.ndjson");
  await assertFigures(expected);
  assert.equal(await page.getByTestId("input").inputValue(), "", "too big to show in the text area");
  // The first 100 issues are listed, with a button for more (the package reports up to 1000).
  const total = expected.errorCount + expected.warningCount;
  assert.ok(expected.issues.length > 200, "the file has hundreds of issues");
  assertIssues(await shownIssues(), expected.issues.slice(0, 100));
  const issuesText = await page.getByTestId("issues").textContent();
  assert.ok(issuesText.includes(`${expected.errorCount} errors, ${expected.warningCount} warnings`), "issue counts");
  assert.ok(issuesText.includes(`Listing 100 of ${total} issues`), "says how many are listed");
  await page.getByRole("button", { name: "Show 100 more" }).click();
  assertIssues(await shownIssues(), expected.issues.slice(0, 200));
  // Positions of a file too big for the text area are lines and columns, not buttons.
  assert.equal(await page.locator('[data-testid="issues"] button.issue').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.className), "more", "the focus stays on Show more");
  const status = await page.locator("#output-status").textContent();
  assert.ok(status.startsWith(`${expected.valid} runs`), `normalized output of every valid run (${status})`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="charts"] canvas').length === 3);
  // The worker makes the output's Blobs after the result, a few slices at a time: downloaded,
  // both formats are normalizeRuns' runs of the whole file, with the size the status said.
  const want = JSON.stringify(normalizeRuns(readFileSync(big.path)).runs);
  const bytesText = (n) => `${(n / 1e6).toFixed(1)} MB`; // as the page writes sizes of 1-999 MB
  for (const format of ["json", "ndjson"]) {
    await page.check(`input[name="format"][value="${format}"]`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    const text = readFileSync(await download.path(), "utf8");
    const runs = format === "json" ? JSON.parse(text) : text.trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.ok(JSON.stringify(runs) === want, `the downloaded ${format} is every valid run`);
    const said = await page.locator("#output-status").textContent();
    assert.ok(said.includes(`(${bytesText(Buffer.byteLength(text))})`), `${said} gives its size`);
  }
  await page.check('input[name="format"][value="json"]');
  assertQuiet();
});

test("one worker or two: the same figures and output, with the summary first either way", { skip, timeout: 150_000 }, async () => {
  // By default a second worker reads the runs on another core while the first reads the
  // summary; `?workers=1` keeps to one worker doing both passes in turn.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const want = JSON.stringify(normalizeRuns(readFileSync(big.path)).runs);
  for (const [query, workers] of [["", cores > 1 ? 2 : 1], ["?workers=1", 1]]) {
    await page.goto(base + query);
    await waitForResult("month.json");
    assert.equal(page.workers().length, workers, `${workers} worker(s) at ${base}${query}`);
    await recordStates();
    await page.setInputFiles('[data-testid="file"]', big.path);
    for (;;) {
      const state = await page.evaluate(() => window.demoSnap());
      if (state.state === "done" && state.source === "big.ndjson") break;
      assert.notEqual(state.state, "error");
      await new Promise((r) => setTimeout(r, 50));
    }
    const sawEarly = (await recordedStates()).some((p) => p.state === "running" && p.summary === "big.ndjson" && p.source !== "big.ndjson");
    assert.ok(sawEarly, `the summary came before the runs (${workers} worker(s))`);
    await assertFigures(big.summary);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    assert.ok(JSON.stringify(JSON.parse(readFileSync(await download.path(), "utf8"))) === want, "the output is every valid run");
    // A sample chosen while the big file is read again: the older job stops, the sample is shown.
    // (Another name: the same file picked again is no change to the input.)
    const again = join(tmp, `again-${workers}.ndjson`);
    copyFileSync(big.path, again);
    await page.setInputFiles('[data-testid="file"]', again);
    await page.waitForFunction(() => /\d+%/.test(document.querySelector("#progress-text").textContent));
    await page.selectOption("#sample", "failing");
    await waitForResult("failing.json");
    await assertFigures(summarizeRuns(readFileSync(join(ROOT, "www/samples/failing.json"))));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await page.getByTestId("summary").getAttribute("data-source"), "failing.json", "the older job shows nothing more");
  }
  await page.goto(base);
  await waitForResult("month.json");
  assertQuiet();
});

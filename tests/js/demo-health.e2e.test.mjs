// End-to-end test of the demo page's Health panel (SPEC §9) in real headless Chromium, set up
// as tests/js/demo.e2e.test.mjs is (`npm run demo` on a free port, playwright-core with the
// system Chromium). Every judgement the page shows is compared with the package's checkHealth
// in Node on the same summary, at the same moment, with the same thresholds: a bundled sample
// judged at its latest run's time, a critical sample's critical checks, thresholds typed in,
// thresholds that are not valid, the "judge at" moment, and pasted input judged at the current
// time; in light and dark mode and on a phone-sized screen. Any console error or warning, page
// error, failed or external request fails it.
//
//   node --test tests/js/demo-health.e2e.test.mjs
// Needs /usr/bin/chromium (`bash scripts/setup.sh browser`). DEMO_HEALTH_SCREENSHOT=FILE also
// saves a picture of the panel there (for looking at it; nothing is written otherwise).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { checkHealth, summarizeRuns } from "syncrun";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-quic",
];
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (bash scripts/setup.sh browser)`;

let tmp;
let server;
let serverLog = "";
let base;
let context;
let page;
const problems = [];

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

function sample(name) {
  return readFileSync(join(ROOT, `www/samples/${name}.json`), "utf8");
}

/** Waits until the page shows the result for `source`, the Health panel included. */
async function waitForResult(source, timeout = 30_000) {
  await page.waitForFunction(
    (name) =>
      document.querySelector('[data-testid="progress"]').dataset.state === "done" &&
      document.querySelector('[data-testid="health"]').dataset.source === name &&
      document.querySelectorAll('[data-testid="health"] .health-check').length > 0,
    source,
    { timeout },
  );
}

/** What the panel shows: overall status, its sentence, and each check's status, value, message. */
function shownHealth() {
  return page.evaluate(() => {
    const panel = document.querySelector('[data-testid="health"]');
    return {
      status: panel.dataset.status,
      overall: panel.querySelector('[data-testid="health-status"]').textContent,
      judgedAt: document.querySelector("#judged-at").textContent,
      error: document.querySelector("#health-error").textContent,
      verdict: document.querySelector('[data-testid="verdict"]').textContent,
      checks: [...panel.querySelectorAll(".health-check")].map((card) => ({
        rule: card.dataset.rule,
        status: card.dataset.status,
        badge: card.querySelector(".badge").textContent,
        value: card.querySelector(".value").textContent,
        title: card.title,
        warning: card.querySelector('input[data-kind="warning"]').value,
        critical: card.querySelector('input[data-kind="critical"]').value,
      })),
    };
  });
}

/** The page shows `expected` (a Health from Node): every check's status, badge and message. */
async function assertHealth(expected) {
  const shown = await shownHealth();
  assert.equal(shown.status, expected.status, "overall status");
  assert.deepEqual(shown.checks.map((c) => c.rule), expected.checks.map((c) => c.rule), "one card per rule, in order");
  shown.checks.forEach((c, k) => {
    const e = expected.checks[k];
    assert.deepEqual([c.status, c.badge, c.title], [e.status, e.status, e.message], c.rule);
    // Without a value the package's message says why; with one, it is shown in the rule's units.
    if (e.value === null) assert.equal(c.value, e.message, c.rule);
    else assert.notEqual(c.value, e.message, c.rule);
  });
  const label = { ok: "OK", warning: "Warning", critical: "Critical", unknown: "Unknown" }[expected.status];
  assert.ok(shown.overall.startsWith(`${label}:`), shown.overall);
  assert.ok(shown.verdict.startsWith(`${label}:`), `the summary's first line agrees: ${shown.verdict}`);
  return shown;
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

async function assertContrast(scheme) {
  const pairs = await page.evaluate(() => {
    const bg = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c && !c.endsWith(", 0)") && c !== "transparent") return c;
      }
      return getComputedStyle(document.documentElement).backgroundColor;
    };
    const sels = ["#health h3", "#health .badge", "#health .value", "#health .unit", "#health .kind", "#health .rule", "#health label",
      "#health input", "#health button", "#judged-at", "#health .verdict", "#health-error"];
    return sels.flatMap((s) => [...document.querySelectorAll(s)].filter((el) => el.textContent || el.value).slice(0, 4)
      .map((el) => ({ s, fg: getComputedStyle(el).color, bg: bg(el) })));
  });
  assert.ok(pairs.length > 10);
  for (const { s, fg, bg } of pairs) {
    const ratio = contrast(fg, bg);
    assert.ok(ratio >= 4.5, `${scheme}: ${s} has contrast ${ratio.toFixed(2)} (${fg} on ${bg})`);
  }
}

before(async () => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), "syncrun-health-e2e-"));
  base = await startServer();
  context = await chromium.launchPersistentContext(join(tmp, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    colorScheme: "light",
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
  await page.goto(base);
  await waitForResult("month.json");
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

// The tests share one page, in this order.

test("a bundled sample is judged at its latest run's time, and the page says so", { skip }, async () => {
  const summary = summarizeRuns(sample("month"));
  const at = summary.latest.createdAt;
  assert.equal(at, "2024-05-30T18:00:00.781Z");
  const shown = await assertHealth(checkHealth(summary, { now: at }));
  assert.equal(shown.judgedAt, "Judged at 2024-05-30T18:00:00.781Z, the latest run's time.");
  assert.equal(await page.inputValue("#judge-at"), "2024-05-30T18:00:00.781", "the control shows the moment (UTC)");
  // Thresholds in the rule's units: the package's defaults (SPEC §9.1).
  const byRule = Object.fromEntries(shown.checks.map((c) => [c.rule, c]));
  assert.deepEqual([byRule.failure_streak.warning, byRule.failure_streak.critical], ["1", "3"]);
  assert.deepEqual([byRule.success_rate.warning, byRule.success_rate.critical], ["95", "80"], "per cent");
  assert.deepEqual([byRule.freshness.warning, byRule.freshness.critical], ["24", "72"], "hours");
  assertQuiet();
});

test("a critical sample shows its critical checks, with their values and thresholds", { skip }, async () => {
  await page.selectOption("#sample", "failing");
  await waitForResult("failing.json");
  const summary = summarizeRuns(sample("failing"));
  const expected = checkHealth(summary, { now: summary.latest.createdAt });
  assert.equal(expected.status, "critical", "the failing sample is critical at its latest run");
  const critical = expected.checks.filter((c) => c.status === "critical");
  assert.deepEqual(critical.map((c) => c.rule), ["failure_streak", "success_rate"]);
  const shown = await assertHealth(expected);
  const cards = shown.checks.filter((c) => c.status === "critical");
  assert.deepEqual(cards.map((c) => c.rule), ["failure_streak", "success_rate"]);
  assert.equal(cards[0].value, `${summary.failureStreak} runs in a row did not succeed`);
  assert.equal(cards[1].value, `${(summary.successRate * 100).toFixed(1)}% of finished runs succeeded`);
  assert.equal(shown.overall, "Critical: failure streak and success rate; warning: freshness.");
  assert.equal(shown.judgedAt, `Judged at ${summary.latest.createdAt}, the latest run's time.`);
  // The critical cards are drawn in the critical colour.
  const colours = await page.evaluate(() => ({
    card: getComputedStyle(document.querySelector('.health-check[data-rule="failure_streak"]')).borderLeftColor,
    badge: getComputedStyle(document.querySelector('.health-check[data-rule="failure_streak"] .badge')).color,
  }));
  assert.equal(colours.card, colours.badge);
  assertQuiet();
});

test("changing thresholds changes the status, as checkHealth says; thresholds that are not valid are named", { skip }, async () => {
  const summary = summarizeRuns(sample("failing"));
  const now = summary.latest.createdAt;
  await page.fill("#rule-failure_streak-warning", "20");
  await page.fill("#rule-failure_streak-critical", "30");
  let expected = checkHealth(summary, { now, rules: { failure_streak: { warning: 20, critical: 30 } } });
  assert.equal(expected.status, "critical", "success_rate is still critical");
  await assertHealth(expected);

  await page.fill("#rule-success_rate-critical", "50");
  await page.fill("#rule-success_rate-warning", "60");
  const rules = { failure_streak: { warning: 20, critical: 30 }, success_rate: { warning: 0.6, critical: 0.5 } };
  expected = checkHealth(summary, { now, rules });
  assert.equal(expected.status, "warning", "only freshness is left, a warning");
  await page.waitForFunction(() => document.querySelector('[data-testid="health"]').dataset.status === "warning");
  await assertHealth(expected);

  // A critical threshold on the wrong side of the warning one: the package's own message.
  await page.fill("#rule-failure_streak-critical", "5");
  let message;
  try {
    checkHealth(summary, { now, rules: { ...rules, failure_streak: { warning: 20, critical: 5 } } });
  } catch (e) {
    assert.equal(e.code, "invalid_option");
    message = e.message;
  }
  assert.ok(message);
  const shown = await shownHealth();
  assert.equal(shown.status, "invalid");
  assert.equal(shown.error, `These thresholds are not valid: ${message}`);
  assert.equal(await page.getAttribute("#rule-failure_streak-critical", "aria-invalid"), "true");
  assert.match(shown.verdict, /thresholds are not valid/);
  // They stay not valid, and said so, for the next input.
  await page.selectOption("#sample", "healthy");
  await waitForResult("healthy.json");
  const next = await shownHealth();
  assert.deepEqual([next.status, next.error], ["invalid", `These thresholds are not valid: ${message}`]);
  assert.equal(await page.getAttribute("#rule-failure_streak-critical", "aria-invalid"), "true");
  assert.equal(await page.inputValue("#rule-failure_streak-critical"), "5", "what was typed is kept");
  await page.selectOption("#sample", "failing");
  await waitForResult("failing.json");

  // Put right, the message goes; an emptied box is the package's default again.
  await page.fill("#rule-failure_streak-critical", "30");
  await assertHealth(expected);
  assert.equal(await page.getAttribute("#rule-failure_streak-critical", "aria-invalid"), null);
  await page.fill("#rule-success_rate-warning", "");
  expected = checkHealth(summary, { now, rules: { ...rules, success_rate: { critical: 0.5 } } });
  await assertHealth(expected);

  // The thresholds stay for the next input, until "Default thresholds".
  await page.selectOption("#sample", "month");
  await waitForResult("month.json");
  const month = summarizeRuns(sample("month"));
  await assertHealth(checkHealth(month, { now: month.latest.createdAt, rules: { failure_streak: { warning: 20, critical: 30 }, success_rate: { critical: 0.5 } } }));
  await page.click("#reset-rules");
  await assertHealth(checkHealth(month, { now: month.latest.createdAt }));
  assert.equal(await page.inputValue("#rule-failure_streak-warning"), "1");
  assertQuiet();
});

test("changing \"judge at\" changes freshness", { skip }, async () => {
  await page.selectOption("#sample", "failing");
  await waitForResult("failing.json");
  const summary = summarizeRuns(sample("failing"));
  const freshness = (h) => h.checks.find((c) => c.rule === "freshness");
  assert.equal(freshness(checkHealth(summary, { now: summary.latest.createdAt })).status, "warning", "two days without success");

  // Two days later: stale for four days, critical.
  const later = Date.parse(summary.latest.createdAt) + 2 * 86_400_000;
  await page.fill("#judge-at", new Date(later).toISOString().slice(0, 23));
  let expected = checkHealth(summary, { now: later });
  assert.equal(freshness(expected).status, "critical");
  await page.waitForFunction(() => document.querySelector('.health-check[data-rule="freshness"]').dataset.status === "critical");
  let shown = await assertHealth(expected);
  assert.equal(shown.judgedAt, `Judged at ${new Date(later).toISOString()}, the time you chose.`);
  assert.match(shown.checks.find((c) => c.rule === "freshness").value, /^4\.0 days since the last success$/);

  // An hour after the last success: fresh.
  const soon = Date.parse(summary.lastSuccess.finishedAt) + 3_600_000;
  await page.fill("#judge-at", new Date(soon).toISOString().slice(0, 23));
  expected = checkHealth(summary, { now: soon });
  assert.equal(freshness(expected).status, "ok");
  await page.waitForFunction(() => document.querySelector('.health-check[data-rule="freshness"]').dataset.status === "ok");
  shown = await assertHealth(expected);
  assert.equal(shown.checks.find((c) => c.rule === "freshness").value, "1 h 00 min since the last success");

  // The moment chosen stays when the same input is checked again (the warning option)...
  await page.check("#warning-is-failure");
  await page.waitForFunction(() => document.querySelector('[data-testid="progress"]').dataset.state === "done");
  await waitForResult("failing.json");
  const strict = summarizeRuns(sample("failing"), { warningIsFailure: true });
  await assertHealth(checkHealth(strict, { now: soon }));
  await page.uncheck("#warning-is-failure");
  await page.waitForFunction(() => document.querySelector('[data-testid="progress"]').dataset.state === "done");
  // ...and the buttons go back to the latest run's time, or to now.
  await page.click("#judge-latest");
  shown = await assertHealth(checkHealth(summary, { now: summary.latest.createdAt }));
  assert.equal(shown.judgedAt, `Judged at ${summary.latest.createdAt}, the latest run's time.`);
  const before = Date.now();
  await page.click("#judge-now");
  shown = await shownHealth();
  const at = Date.parse(shown.judgedAt.match(/Judged at (\S+),/)[1]);
  assert.ok(at >= before - 1000 && at <= Date.now() + 1000, shown.judgedAt);
  assert.match(shown.judgedAt, /, the current time\.$/);
  assert.equal(shown.checks.find((c) => c.rule === "freshness").status, "critical", "years later");
  assertQuiet();
});

test("pasted input is judged at the current time", { skip }, async () => {
  const text = sample("healthy");
  const input = page.getByTestId("input");
  await input.click();
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press("ControlOrMeta+A");
  const before = Date.now();
  await page.keyboard.press("ControlOrMeta+V");
  await waitForResult("input");
  const shown = await shownHealth();
  const at = Date.parse(shown.judgedAt.match(/Judged at (\S+),/)[1]);
  assert.ok(at >= before - 1000 && at <= Date.now() + 1000, `judged about now: ${shown.judgedAt}`);
  assert.match(shown.judgedAt, /, the current time\.$/);
  await assertHealth(checkHealth(summarizeRuns(text), { now: at }));
  assertQuiet();
});

test("the panel reads well in light and dark mode and fits a phone-sized screen", { skip }, async () => {
  await page.selectOption("#sample", "failing");
  await waitForResult("failing.json");
  await assertContrast("light");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForTimeout(100);
  await assertContrast("dark");
  await page.emulateMedia({ colorScheme: "light" });

  await page.setViewportSize({ width: 375, height: 800 });
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 375 px (${overflow} px too wide)`);
  const box = await page.getByTestId("health").boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 375.5, "the panel fits in 375 px");
  await page.setViewportSize({ width: 1280, height: 900 });

  if (process.env.DEMO_HEALTH_SCREENSHOT) {
    await page.locator("#health").scrollIntoViewIfNeeded();
    await page.locator("#health").screenshot({ path: process.env.DEMO_HEALTH_SCREENSHOT });
  }
  assertQuiet();
});

// `syncrun check` and `syncrun summarize --metrics` (pkg/cli.js), run as child processes
// (SPEC §11.1): the monitoring-plugin exit codes, the line per input, --json, --rules, --now,
// --state (changes only, atomic replacement, a foreign or corrupt file left untouched), and
// --metrics equal to the package's formatMetrics. Every expected judgement comes from the
// package itself (checkHealth, compareHealth, formatMetrics) on the same input.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { lstatSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { checkHealth, compareHealth, formatMetrics, summarizeRuns } from "syncrun";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "pkg", "cli.js");

/** Run the CLI; resolves with { code, stdout, stderr } (strings). */
function cli(args, { input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
    );
    child.stdin.end(input ?? "");
  });
}

const T0 = Date.parse("2024-06-01T00:00:00.000Z");
const HOUR = 3_600_000;
const iso = (t) => new Date(t).toISOString();

/** A run created `k` hours after T0, queued 1 s, taking `ms`; `failed` runs attempt no row. */
function run(k, status, { ms = 60_000, querySize = 1000, failedRows = 0 } = {}) {
  const created = T0 + k * HOUR;
  const rows = status === "failed" ? 0 : querySize;
  return {
    id: String(4800000 + k),
    status,
    createdAt: iso(created),
    startedAt: iso(created + 1000),
    finishedAt: iso(created + 1000 + ms),
    completionRatio: 1,
    querySize,
    plannedRows: { addedCount: querySize, changedCount: 0, removedCount: 0 },
    successfulRows: { addedCount: rows - failedRows, changedCount: 0, removedCount: 0 },
    failedRows: { addedCount: failedRows, changedCount: 0, removedCount: 0 },
    error: status === "failed" ? `Query failed: Snowflake error 390114 in run ${k}` : null,
  };
}

/** Ten hourly runs; the last `failing` of them failed. */
function batch(failing) {
  return Array.from({ length: 10 }, (_, k) => run(k, k >= 10 - failing ? "failed" : "success"));
}
const ndjson = (runs) => runs.map((r) => JSON.stringify(r)).join("\n") + "\n";

/** Judged an hour after the tenth run was created: fresh. */
const NOW = iso(T0 + 10 * HOUR);
const NOW_MS = T0 + 10 * HOUR;

const TEXT = {
  ok: ndjson(batch(0)),
  warning: ndjson(batch(1)),
  critical: ndjson(batch(3)),
  unknown: "[]\n",
  broken: '[{"id": "a", "status": \n',
};

let dir;
const file = (name) => join(dir, name);
const expectedHealth = (text, options) => checkHealth(summarizeRuns(text), options);

/**
 * The lines of `changes` (from the package's compareHealth): `NAME: rule change, from -> to: `
 * and the check as it is now (people's units), or the package's sentence for "overall".
 */
function assertChangeLines(stdout, name, changes) {
  const lines = stdout.split("\n");
  assert.equal(lines.pop(), "", "ends with a newline");
  assert.equal(lines.length, changes.length, stdout);
  changes.forEach((c, k) => {
    const head = `${name}: ${c.rule} ${c.change}, ${c.from} -> ${c.to}: `;
    assert.ok(lines[k].startsWith(head), `${lines[k]} starts with ${head}`);
    if (c.rule === "overall") assert.equal(lines[k], head + c.message);
  });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "syncrun-check-"));
  for (const [name, text] of Object.entries(TEXT)) writeFileSync(file(`${name}.ndjson`), text);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("--help names check, its options and its exit codes", async () => {
  const r = await cli(["--help"]);
  assert.equal(r.code, 0);
  for (const word of ["check", "--metrics", "--label NAME=VALUE", "--now T", "--rules FILE", "--state FILE", "Exit status of check", "failure_streak", "volume"]) {
    assert.ok(r.stdout.includes(word), `help mentions ${word}`);
  }
});

describe("check: exit codes and one line per input (SPEC §11.1)", () => {
  test("the inputs are what their names say, by the package's own judgement (SPEC §9)", () => {
    for (const name of ["ok", "warning", "critical", "unknown"]) {
      assert.equal(expectedHealth(TEXT[name], { now: NOW }).status, name, name);
    }
  });

  for (const [name, code] of [["ok", 0], ["warning", 1], ["critical", 2], ["unknown", 3]]) {
    test(`a ${name} input exits ${code}; its line names its status and the checks that are not ok`, async () => {
      const r = await cli(["check", "--now", NOW, file(`${name}.ndjson`)]);
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stderr, "");
      const lines = r.stdout.split("\n");
      assert.equal(lines.length, 2, "one line and its newline");
      assert.ok(lines[0].startsWith(`${file(`${name}.ndjson`)}: ${name.toUpperCase()}`), lines[0]);
      const health = expectedHealth(TEXT[name], { now: NOW });
      for (const c of health.checks) {
        const named = new RegExp(` ${c.rule}[ :]`).test(lines[0]);
        assert.equal(named, c.status !== "ok", `${c.rule} (${c.status}) is named only when not ok: ${lines[0]}`);
      }
    });
  }

  test("a not-ok check shows its value and the threshold it crossed", async () => {
    const r = await cli(["check", "--now", NOW, file("critical.ndjson")]);
    const health = expectedHealth(TEXT.critical, { now: NOW });
    const streak = health.checks.find((c) => c.rule === "failure_streak");
    assert.deepEqual([streak.status, streak.value, streak.critical], ["critical", 3, 3]);
    assert.match(r.stdout, /failure_streak 3 runs \(critical: >= 3\)/);
    const rate = health.checks.find((c) => c.rule === "success_rate");
    assert.deepEqual([rate.status, rate.value], ["critical", 0.7]);
    assert.match(r.stdout, /success_rate 70\.0% \(critical: < 80\.0%\)/);
  });

  test("the worst input decides: critical over warning over unknown over ok", async () => {
    const cases = [
      [["ok", "warning", "unknown"], 1],
      [["unknown", "critical", "warning"], 2],
      [["ok", "unknown"], 3],
      [["ok", "ok2"], 0],
    ];
    writeFileSync(file("ok2.ndjson"), TEXT.ok);
    for (const [names, code] of cases) {
      const r = await cli(["check", "--now", NOW, ...names.map((n) => file(`${n}.ndjson`))]);
      assert.equal(r.code, code, names.join(" "));
      assert.equal(r.stdout.split("\n").length, names.length + 1, "one line per input");
      r.stdout.trimEnd().split("\n").forEach((line, k) => assert.ok(line.startsWith(`${file(`${names[k]}.ndjson`)}: `), line));
    }
  });

  test("an input that cannot be opened, or read as SyncRun JSON, is unknown (exit 3) unless another is worse", async () => {
    let r = await cli(["check", "--now", NOW, file("missing.ndjson"), file("ok.ndjson")]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout.split("\n")[0], `${file("missing.ndjson")}: UNKNOWN - cannot read ${file("missing.ndjson")}: no such file or directory`);
    r = await cli(["check", "--now", NOW, file("broken.ndjson")]);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /: UNKNOWN - the input cannot be read as SyncRun JSON: invalid JSON/);
    r = await cli(["check", "--now", NOW, dir, file("critical.ndjson")]);
    assert.equal(r.code, 2, "a critical input still makes it 2");
    assert.match(r.stdout, /is a directory/);
  });

  test("standard input is read when no FILE is given, or with -", async () => {
    for (const args of [[], ["-"]]) {
      const r = await cli(["check", "--now", NOW, ...args], { input: TEXT.warning });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^stdin: WARNING - /);
    }
  });

  const usage = [
    [["check", "--bogus", "x.json"], /unknown option '--bogus'/],
    [["check", "--now"], /--now needs a value/],
    [["check", "--ndjson", "x.json"], /--ndjson is not an option of check/],
    [["check", "--label", "a=b", "x.json"], /--label is not an option of check/],
    [["check", "x.json", "x.json"], /x.json is given twice/],
    [["check", "--state", "a", "--state", "b", "x.json"], /--state is given twice/],
  ];
  for (const [args, message] of usage) {
    test(`\`syncrun ${args.join(" ")}\` is a usage error: exit 3, the unknown of the convention`, async () => {
      const r = await cli(args);
      assert.equal(r.code, 3);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^Usage: syncrun <command>/m);
    });
  }
});

describe("check --now and --rules (SPEC §9, §11.1)", () => {
  test("--now takes a timestamp or milliseconds, and judges freshness at it", async () => {
    const late = T0 + 30 * 24 * HOUR;
    assert.equal(expectedHealth(TEXT.ok, { now: late }).status, "critical", "a month later the sync is stale");
    for (const now of [iso(late), String(late), "2024-07-01T02:00:00+02:00"]) {
      const r = await cli(["check", "--now", now, file("ok.ndjson")]);
      assert.equal(r.code, 2, now);
      // The last success finished 9 h 1 min after T0: 29 days and 14 hours, truncated.
      assert.match(r.stdout, /CRITICAL - freshness 29 d 14 h since the last success \(critical: > 3 d\)/);
    }
    const r = await cli(["check", `--now=${NOW_MS}`, file("ok.ndjson")]);
    assert.equal(r.code, 0);
  });

  test("without --now the health is judged at the current time", async () => {
    // Runs of 2024: judged now, they are long stale; judged at their own time, they were fine.
    const before = Date.now();
    const r = await cli(["check", file("ok.ndjson")]);
    const after = Date.now();
    assert.equal(r.code, 2);
    // "914 d" when the hours are 0, "914 d 5 h" otherwise: the days and hours since the last
    // success (9 h 1 min after T0) at some moment of the call.
    const m = /freshness (\d+) d(?: (\d+) h)? since the last success \(critical: > 3 d\)/.exec(r.stdout);
    assert.ok(m, r.stdout);
    const shown = Number(m[1]) * 24 + Number(m[2] ?? 0);
    const hours = (t) => Math.floor((t - (T0 + 9 * HOUR + 60_000)) / HOUR);
    assert.ok(shown >= hours(before) && shown <= hours(after), `${shown} h, between ${hours(before)} and ${hours(after)}`);
  });

  test("a bad --now is exit 3 with the package's invalid_option message", async () => {
    let message;
    try {
      checkHealth(summarizeRuns("[]"), { now: "2024-06-01T00:00:00" });
    } catch (e) {
      assert.equal(e.code, "invalid_option");
      message = e.message;
    }
    const r = await cli(["check", "--now", "2024-06-01T00:00:00", file("ok.ndjson")]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "");
    assert.ok(r.stderr.includes(`--now 2024-06-01T00:00:00: ${message}`), r.stderr);
    assert.match(r.stderr, /^Usage: syncrun <command>/m, "a usage error");
  });

  test("--rules replaces thresholds and turns rules off", async () => {
    const rules = { failure_streak: false, success_rate: { warning: 0.5, critical: 0.4 } };
    writeFileSync(file("lenient.json"), JSON.stringify(rules));
    assert.equal(expectedHealth(TEXT.warning, { now: NOW, rules }).status, "ok");
    let r = await cli(["check", "--now", NOW, "--rules", file("lenient.json"), file("warning.ndjson")]);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stdout, `${file("warning.ndjson")}: OK\n`);

    const strict = { freshness: { warning: 60_000, critical: 120_000 } };
    writeFileSync(file("strict.json"), JSON.stringify(strict));
    assert.equal(expectedHealth(TEXT.ok, { now: NOW, rules: strict }).status, "critical");
    r = await cli(["check", "--now", NOW, `--rules=${file("strict.json")}`, file("ok.ndjson")]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /freshness 58 min 59 s since the last success \(critical: > 2 min\)/);
  });

  test("bad rules are exit 3 with the package's invalid_option message; an unreadable rules file too", async () => {
    const bad = { failure_streak: { warning: 5, critical: 2 } };
    writeFileSync(file("bad-rules.json"), JSON.stringify(bad));
    let message;
    try {
      checkHealth(summarizeRuns("[]"), { rules: bad });
    } catch (e) {
      assert.equal(e.code, "invalid_option");
      message = e.message;
    }
    assert.ok(message, "the package rejects these rules");
    let r = await cli(["check", "--rules", file("bad-rules.json"), file("ok.ndjson")]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "");
    assert.ok(r.stderr.includes(`--rules ${file("bad-rules.json")}: ${message}`), r.stderr);
    assert.match(r.stderr, /^Usage: syncrun <command>/m, "a usage error");

    writeFileSync(file("not-json.json"), "{failure_streak: false}");
    r = await cli(["check", "--rules", file("not-json.json"), file("ok.ndjson")]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /the rules .*not-json\.json are not JSON/);
    r = await cli(["check", "--rules", file("nope.json"), file("ok.ndjson")]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /cannot read the rules .*nope\.json: no such file or directory/);
  });
});

describe("check --json (SPEC §11.1)", () => {
  test("{ inputs: [{ input, health, changes, error }] }: the package's Health, changes null without --state", async () => {
    const r = await cli(["check", "--json", "--now", NOW, file("warning.ndjson"), file("missing.ndjson")]);
    assert.equal(r.code, 1, "a warning outranks the missing input's unknown");
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ["inputs"]);
    assert.deepEqual(out.inputs[0], {
      input: file("warning.ndjson"),
      health: expectedHealth(TEXT.warning, { now: NOW }),
      changes: null,
      error: null,
    });
    assert.deepEqual(out.inputs[1], {
      input: file("missing.ndjson"),
      health: null,
      changes: null,
      error: `cannot read ${file("missing.ndjson")}: no such file or directory`,
    });
  });
});

describe("check --state (SPEC §9.3, §11.1)", () => {
  let sdir;
  const spath = (name) => join(sdir, name);
  before(() => {
    sdir = mkdtempSync(join(tmpdir(), "syncrun-check-state-"));
  });
  after(() => rmSync(sdir, { recursive: true, force: true }));

  test("first run prints the changes from nothing, second prints nothing with the same exit code, a change is printed", async () => {
    const input = spath("sync.ndjson");
    const state = spath("state.json");
    writeFileSync(input, TEXT.critical);
    const critical = expectedHealth(TEXT.critical, { now: NOW });

    let r = await cli(["check", "--now", NOW, "--state", state, input]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "");
    const first = compareHealth(null, critical);
    assert.ok(first.length >= 2, "the critical checks and the overall status are raised");
    assertChangeLines(r.stdout, input, first);
    assert.match(r.stdout, /: failure_streak raised, unknown -> critical: 3 runs \(critical: >= 3\)\n/);
    assert.ok(first.every((c) => c.change === "raised"));
    assert.equal(first.at(-1).rule, "overall");

    // What the file holds: ours (kind and version), the Health by the input's absolute path.
    const saved = JSON.parse(readFileSync(state, "utf8"));
    assert.deepEqual(saved, { syncrun: "check-state", version: 1, inputs: { [input]: critical } });

    r = await cli(["check", "--now", NOW, "--state", state, input]);
    assert.equal(r.code, 2, "the same exit code");
    assert.equal(r.stdout, "", "nothing changed, nothing printed");
    assert.equal(r.stderr, "");

    // The sync recovers: every raised check is resolved.
    writeFileSync(input, TEXT.ok);
    const ok = expectedHealth(TEXT.ok, { now: NOW });
    r = await cli(["check", "--now", NOW, "--state", state, input]);
    assert.equal(r.code, 0);
    const changes = compareHealth(critical, ok);
    assert.ok(changes.length >= 2 && changes.every((c) => c.change === "resolved"));
    assertChangeLines(r.stdout, input, changes);
    assert.match(r.stdout, /: failure_streak resolved, critical -> ok: 0 runs\n/);
    r = await cli(["check", "--now", NOW, "--state", state, input]);
    assert.deepEqual([r.code, r.stdout], [0, ""]);

    // It gets worse by one step: one failure, a warning raised.
    writeFileSync(input, TEXT.warning);
    r = await cli(["check", "--now", NOW, "--state", state, input]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /failure_streak raised, ok -> warning: /);
    assert.match(r.stdout, /overall raised, ok -> warning: /);
  });

  test("the key is the input's absolute path: a relative name from the same directory is the same input", async () => {
    const state = spath("relative.json");
    let r = await cli(["check", "--now", NOW, "--state", state, file("warning.ndjson")]);
    assert.equal(r.code, 1);
    assert.notEqual(r.stdout, "");
    const name = relative(ROOT, file("warning.ndjson"));
    assert.ok(!name.startsWith("/"));
    r = await cli(["check", "--now", NOW, "--state", state, name]);
    assert.deepEqual([r.code, r.stdout], [1, ""]);
  });

  test("standard input is kept under \"-\"", async () => {
    const state = spath("stdin.json");
    let r = await cli(["check", "--now", NOW, "--state", state], { input: TEXT.warning });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^stdin: failure_streak raised, unknown -> warning: /);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(state, "utf8")).inputs), ["-"]);
    r = await cli(["check", "--now", NOW, "--state", state, "-"], { input: TEXT.warning });
    assert.deepEqual([r.code, r.stdout], [1, ""]);
  });

  test("several inputs share one state file; only the one that changed is printed", async () => {
    const a = spath("a.ndjson");
    const b = spath("b.ndjson");
    const state = spath("two.json");
    writeFileSync(a, TEXT.ok);
    writeFileSync(b, TEXT.warning);
    let r = await cli(["check", "--now", NOW, "--state", state, a, b]);
    assert.equal(r.code, 1);
    assert.ok(r.stdout.split("\n").filter(Boolean).every((l) => l.startsWith(`${b}: `)), "an ok input raises nothing");
    writeFileSync(a, TEXT.critical);
    r = await cli(["check", "--now", NOW, "--state", state, a, b]);
    assert.equal(r.code, 2);
    const lines = r.stdout.trimEnd().split("\n");
    assert.ok(lines.length >= 2 && lines.every((l) => l.startsWith(`${a}: `)), r.stdout);
    // An input checked alone keeps the other's judgement in the file.
    r = await cli(["check", "--now", NOW, "--state", state, a]);
    assert.deepEqual([r.code, r.stdout], [2, ""]);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(state, "utf8")).inputs).sort(), [a, b].sort());
  });

  test("--json with --state: the changes of each input, [] when nothing changed", async () => {
    const state = spath("json.json");
    const health = expectedHealth(TEXT.warning, { now: NOW });
    let r = await cli(["check", "--json", "--now", NOW, "--state", state, file("warning.ndjson")]);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout).inputs[0].changes, compareHealth(null, health));
    r = await cli(["check", "--json", "--now", NOW, "--state", state, file("warning.ndjson")]);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), { inputs: [{ input: file("warning.ndjson"), health, changes: [], error: null }] });
  });

  test("the file is replaced atomically: a new file (inode) renamed into place, no temporary file left", async () => {
    const sub = spath("atomic");
    mkdirSync(sub);
    const state = join(sub, "state.json");
    await cli(["check", "--now", NOW, "--state", state, file("warning.ndjson")]);
    const before = statSync(state).ino;
    writeFileSync(file("warning2.ndjson"), TEXT.warning);
    await cli(["check", "--now", NOW, "--state", state, file("warning.ndjson"), file("warning2.ndjson")]);
    assert.notEqual(statSync(state).ino, before, "not written in place");
    assert.deepEqual(readdirSync(sub), ["state.json"], "only the state file is in its directory");
    assert.equal(Object.keys(JSON.parse(readFileSync(state, "utf8")).inputs).length, 2);
  });

  test("a symbolic link to the state file is followed: the link stays, its target is replaced", async () => {
    const target = spath("target.json");
    const link = spath("link.json");
    await cli(["check", "--now", NOW, "--state", target, file("ok.ndjson")]);
    symlinkSync(target, link);
    const r = await cli(["check", "--now", NOW, "--state", link, file("critical.ndjson")]);
    assert.equal(r.code, 2);
    assert.ok(lstatSync(link).isSymbolicLink(), "the link is still a link");
    assert.equal(Object.keys(JSON.parse(readFileSync(target, "utf8")).inputs).length, 2);
  });

  const foreign = [
    ["corrupt JSON", '{"syncrun": "check-state", "version": 1, "inputs": {', /is not a state file written by syncrun check \(it is not JSON: /],
    ["an empty file", "", /is not a state file written by syncrun check \(it is not JSON: /],
    ["another tool's JSON", '{"last_run": "2024-06-01", "status": "ok"}\n', /it has no "syncrun": "check-state" key/],
    ["a JSON array", "[]\n", /it is not a JSON object/],
    ["another version", '{"syncrun": "check-state", "version": 2, "inputs": {}}\n', /it is of version 2; this syncrun reads version 1/],
    ["inputs that are not an object", '{"syncrun": "check-state", "version": 1, "inputs": []}\n', /its "inputs" is not an object/],
    ["a judgement that is not a Health", '{"syncrun": "check-state", "version": 1, "inputs": {"/x": {"status": "fine"}}}\n', /its judgement of \/x is not a Health: /],
  ];
  for (const [what, text, message] of foreign) {
    test(`a state file holding ${what} is exit 3, and its bytes are left as they were`, async () => {
      const state = spath(`foreign-${what.replaceAll(" ", "-")}.json`);
      writeFileSync(state, text);
      const mtime = statSync(state).mtimeMs;
      const r = await cli(["check", "--now", NOW, "--state", state, file("critical.ndjson")]);
      assert.equal(r.code, 3);
      assert.equal(r.stdout, "", "nothing is judged or printed");
      assert.match(r.stderr, message);
      assert.match(r.stderr, /it is left as it is/);
      assert.equal(readFileSync(state, "utf8"), text, "the bytes are unchanged");
      assert.equal(statSync(state).mtimeMs, mtime);
    });
  }

  test("a state file that cannot be written is exit 3 (unless an input is worse), with nothing left behind", async () => {
    const state = join(sdir, "no-such-dir", "state.json");
    let r = await cli(["check", "--now", NOW, "--state", state, file("ok.ndjson")]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /cannot write the state file .*: no such file or directory/);
    r = await cli(["check", "--now", NOW, "--state", state, file("critical.ndjson")]);
    assert.equal(r.code, 2, "the critical input decides");
    assert.notEqual(r.stdout, "", "the changes are still printed");
  });

  test("an unreadable input keeps its earlier judgement and is said on stderr each time", async () => {
    const input = spath("comes-and-goes.ndjson");
    const state = spath("gone.json");
    writeFileSync(input, TEXT.critical);
    await cli(["check", "--now", NOW, "--state", state, input]);
    rmSync(input);
    let r = await cli(["check", "--now", NOW, "--state", state, input]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `syncrun: cannot read ${input}: no such file or directory\n`);
    writeFileSync(input, TEXT.critical);
    r = await cli(["check", "--now", NOW, "--state", state, input]);
    assert.deepEqual([r.code, r.stdout], [2, ""], "back, and still critical: no change");
  });
});

describe("summarize --metrics (SPEC §10, §11.1)", () => {
  test("prints formatMetrics of the summary, with labels and the health judged at --now", async () => {
    const summary = summarizeRuns(TEXT.critical);
    const labels = { sync: "hourly \"users\"", env: "prod\\eu" };
    const expected = formatMetrics(summary, { labels, health: checkHealth(summary, { now: NOW }) });
    const r = await cli(["summarize", "--metrics", "--now", NOW, "--label", `sync=${labels.sync}`, `--label=env=${labels.env}`, file("critical.ndjson")]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, expected);
    assert.match(r.stdout, /^syncrun_health_status\{sync="hourly \\"users\\"",env="prod\\\\eu",rule="overall"\} 2$/m);
  });

  test("--rules applies; without --now the health is judged at the current time", async () => {
    const rules = { freshness: false };
    writeFileSync(file("no-freshness.json"), JSON.stringify(rules));
    const summary = summarizeRuns(TEXT.ok);
    let r = await cli(["summarize", "--metrics", "--rules", file("no-freshness.json"), "--now", NOW, file("ok.ndjson")]);
    assert.equal(r.stdout, formatMetrics(summary, { health: checkHealth(summary, { now: NOW, rules }) }));
    assert.doesNotMatch(r.stdout, /rule="freshness"/);
    // Runs of 2024, judged now: stale (2); judged at their own time they would be fresh (0).
    r = await cli(["summarize", "--metrics", file("ok.ndjson")]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^syncrun_health_status\{rule="freshness"\} 2$/m);
    assert.match(formatMetrics(summary, { health: checkHealth(summary, { now: NOW }) }), /^syncrun_health_status\{rule="freshness"\} 0$/m);
  });

  test("standard input, and an input unreadable as a whole (exit 1, as summarize)", async () => {
    let r = await cli(["summarize", "--metrics", "--now", NOW], { input: TEXT.warning });
    const summary = summarizeRuns(TEXT.warning);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, formatMetrics(summary, { health: checkHealth(summary, { now: NOW }) }));
    r = await cli(["summarize", "--metrics", "--now", NOW, file("broken.ndjson")]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^syncrun_records 0$/m);
  });

  test("a label Prometheus forbids is a usage error (exit 2) with the package's message", async () => {
    for (const name of ["__reserved", "status", "1st", "with-dash"]) {
      let message;
      try {
        formatMetrics(summarizeRuns("[]"), { labels: { [name]: "x" } });
      } catch (e) {
        assert.equal(e.code, "invalid_option", name);
        message = e.message;
      }
      const r = await cli(["summarize", "--metrics", "--label", `${name}=x`, file("ok.ndjson")]);
      assert.equal(r.code, 2, name);
      assert.equal(r.stdout, "");
      assert.ok(r.stderr.includes(`--label: ${message}`), r.stderr);
      assert.match(r.stderr, /^Usage: syncrun <command>/m);
    }
  });

  const usage = [
    [["summarize", "--label", "a=b", "x.json"], /--label needs --metrics/],
    [["summarize", "--now", NOW, "x.json"], /--now needs --metrics/],
    [["summarize", "--metrics", "--json", "x.json"], /--metrics and --json cannot be used together/],
    [["summarize", "--metrics", "--state", "s.json", "x.json"], /--state is not an option of summarize/],
    [["summarize", "--metrics", "--label", "novalue", "x.json"], /--label must be NAME=VALUE, got 'novalue'/],
    [["summarize", "--metrics", "--label", "a=1", "--label", "a=2", file("ok.ndjson")], /--label a is given twice/],
    [["validate", "--metrics", "x.json"], /--metrics is not an option of validate/],
    [["normalize", "--rules", "r.json", "x.json"], /--rules is not an option of normalize/],
  ];
  for (const [args, message] of usage) {
    test(`\`syncrun ${args.join(" ")}\` exits 2 with the usage`, async () => {
      const r = await cli(args);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, message);
    });
  }

  test("a bad --now or --rules for metrics is a usage error (exit 2); an unreadable rules file exit 2", async () => {
    writeFileSync(file("bad-rules.json"), JSON.stringify({ volume: { warning: 0.1, critical: 0.5 } }));
    let r = await cli(["summarize", "--metrics", "--now", "yesterday", file("ok.ndjson")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--now yesterday: /);
    r = await cli(["summarize", "--metrics", "--rules", file("bad-rules.json"), file("ok.ndjson")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--rules .*bad-rules\.json: /);
    r = await cli(["summarize", "--metrics", "--rules", file("nope.json"), file("ok.ndjson")]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `syncrun: cannot read the rules ${file("nope.json")}: no such file or directory\n`);
  });
});

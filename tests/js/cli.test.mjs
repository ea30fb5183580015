// The `syncrun` command (pkg/cli.js), run as a child process: every command and exit code,
// stdin, the progress bar, a reader that goes away early, and a 1 GB NDJSON file summarized in
// bounded memory (its peak RSS is printed).
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { normalizeRuns, summarizeRuns } from "syncrun";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "pkg", "cli.js");
const VERSION = JSON.parse(readFileSync(join(ROOT, "pkg", "package.json"), "utf8")).version;

/** Run the CLI; resolves with { code, stdout, stderr } (strings). */
function cli(args, { input, stdin = "pipe", env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      stdio: [input === undefined ? stdin : "pipe", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

function run(id, status, created, ms, { queuedMs = 0, failed = 0, error = null, finished = true } = {}) {
  const t = Date.parse(created);
  return {
    id,
    status,
    createdAt: created,
    startedAt: new Date(t + queuedMs).toISOString(),
    finishedAt: finished ? new Date(t + queuedMs + ms).toISOString() : null,
    completionRatio: finished ? 1 : 0.5,
    querySize: 100,
    plannedRows: { addedCount: 100, changedCount: 0, removedCount: 0 },
    successfulRows: { addedCount: 100 - failed, changedCount: 0, removedCount: 0 },
    failedRows: { addedCount: failed, changedCount: 0, removedCount: 0 },
    error,
  };
}

// Durations 1.8 s, 2 min 5 s (queued), 1 h 3 min; one invalid record, one duplicate, a warning
// status, an in-progress run, an id with non-ASCII characters.
const RUNS = [
  run("r1", "success", "2024-05-01T10:00:00.000Z", 1_800),
  run("r2", "failed", "2024-05-01T11:00:00.000Z", 1_800, { queuedMs: 125_000, failed: 100, error: "HTTP 503 from destination after 3 retries" }),
  run("r3", "warning", "2024-05-01T12:00:00.000Z", 3_780_000, { failed: 10 }),
  { id: "r4", status: "Completed", createdAt: "2024-05-01T12:30:00Z" },
  run("r2", "success", "2024-05-01T12:45:00.000Z", 1_000),
  run("r5-é😀", "failed", "2024-05-01T13:00:00.000Z", 125_000, { error: "HTTP 502 from destination after 4 retries" }),
  run("r6", "processing", "2024-05-01T14:00:00.000Z", 0, { finished: false }),
];
const NDJSON = RUNS.map((r) => JSON.stringify(r)).join("\n") + "\n";
const ENVELOPE = JSON.stringify({ data: RUNS.filter((r) => r.id !== "r4"), hasMore: true }, null, 2);
const CLEAN = RUNS.filter((r) => r.id === "r1" || r.id === "r6").map((r) => JSON.stringify(r)).join("\n") + "\n";

let dir;
const file = (name) => join(dir, name);

/**
 * Writes about `targetBytes` of NDJSON (whole lines, so a little more): a repeating set of 48
 * pre-rendered runs (most statuses, error messages with digits, 28 days), each line with a unique
 * id. About 410 bytes a line, like a compact run from the API. Returns the lines and bytes written.
 */
function generateNdjson(path, targetBytes) {
  const statuses = ["success", "success", "success", "warning", "failed", "success", "cancelled", "interrupted", "success", "queued"];
  const templates = [];
  for (let k = 0; k < 48; k++) {
    const status = statuses[k % statuses.length];
    const created = Date.UTC(2024, 4, 1 + (k % 28), k % 24, (k * 7) % 60, (k * 13) % 60, (k * 37) % 1000);
    const started = status === "queued" ? null : created + 1000 + k * 250;
    const finished = status === "queued" ? null : started + 1500 + k * 4321;
    const failedRows = status === "failed" || status === "warning" ? 3 + k : 0;
    const iso = (t) => (t === null ? null : new Date(t).toISOString());
    const body = JSON.stringify({
      status,
      createdAt: iso(created),
      startedAt: iso(started),
      finishedAt: iso(finished),
      completionRatio: status === "queued" ? 0 : 1,
      querySize: 1000 + k * 17,
      plannedRows: { addedCount: 1000 + k * 17, changedCount: 10, removedCount: 2 },
      successfulRows: { addedCount: 1000 + k * 17 - failedRows, changedCount: 10, removedCount: 2 },
      failedRows: { addedCount: failedRows, changedCount: 0, removedCount: 0 },
      error: status === "failed" ? `Destination returned HTTP 5${k % 10}3 after ${k + 2} retries` : null,
    });
    templates.push(body.slice(1)); // the rest of the object after its "{"
  }
  const fd = openSync(path, "w");
  let bytes = 0;
  let lines = 0;
  try {
    while (bytes < targetBytes) {
      let block = "";
      // Numeric string ids, as the Hightouch API gives them.
      for (let j = 0; j < 8192; j++, lines++) block += `{"id":"${100_000_000 + lines}",${templates[lines % templates.length]}\n`;
      const buf = Buffer.from(block);
      writeSync(fd, buf);
      bytes += buf.length;
    }
  } finally {
    closeSync(fd);
  }
  return { lines, bytes };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "syncrun-cli-"));
  writeFileSync(file("runs.ndjson"), NDJSON);
  writeFileSync(file("envelope.json"), ENVELOPE);
  writeFileSync(file("clean.ndjson"), CLEAN);
  writeFileSync(file("broken.json"), '[\n  {"id": "a"},\n  {"id": \n');
  writeFileSync(file("latin1.json"), Buffer.from([0x5b, 0x22, 0xe9, 0x22, 0x5d]));
});

after(() => rmSync(dir, { recursive: true, force: true }));

const USAGE_LINE = /^Usage: syncrun <command> \[FILE\|-\] \[options\]$/m;

describe("help, version and usage errors", () => {
  test("--help, -h and `help` print the help to stdout and exit 0", async () => {
    for (const args of [["--help"], ["-h"], ["help"], ["summarize", "--help"]]) {
      const r = await cli(args);
      assert.equal(r.code, 0, args.join(" "));
      assert.match(r.stdout, USAGE_LINE);
      for (const word of ["summarize", "validate", "normalize", "--json", "--ndjson", "--warning-is-failure", "--format", "--unknown-fields", "--max-issues", "--max-bytes", "--version", "Exit status"]) {
        assert.ok(r.stdout.includes(word), `help mentions ${word}`);
      }
      assert.equal(r.stderr, "");
    }
  });

  test("--version and -V print the version of pkg/package.json", async () => {
    for (const flag of ["--version", "-V"]) {
      const r = await cli([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `syncrun ${VERSION}\n`);
    }
  });

  const usageErrors = [
    [[], /no command given/],
    [["frobnicate", "x.json"], /unknown command 'frobnicate'/],
    [["summarize", "--bogus", "x.json"], /unknown option '--bogus'/],
    [["summarize", "-x", "x.json"], /unknown option '-x'/],
    [["validate", "--ndjson", "x.json"], /--ndjson is not an option of validate/],
    [["normalize", "--json", "x.json"], /--json is not an option of normalize/],
    [["validate", "--warning-is-failure", "x.json"], /--warning-is-failure is not an option of validate/],
    [["summarize", "--format", "xml", "x.json"], /--format must be one of auto, json, ndjson/],
    [["summarize", "--unknown-fields=drop", "x.json"], /--unknown-fields must be one of strip, keep, error/],
    [["validate", "--max-issues", "-1", "x.json"], /--max-issues must be a whole number/],
    [["summarize", "x.json", "--format"], /--format needs a value/],
    [["summarize", "a.json", "b.json"], /too many arguments: b.json/],
  ];
  for (const [args, message] of usageErrors) {
    test(`\`syncrun ${args.join(" ")}\` exits 2 with the usage`, async () => {
      const r = await cli(args, { input: "" });
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, message);
      assert.match(r.stderr, USAGE_LINE);
    });
  }

  test("a missing file is one line on stderr and exit 2", async () => {
    const r = await cli(["summarize", file("nope.json")]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `syncrun: cannot read ${file("nope.json")}: no such file or directory\n`);
  });

  test("a directory as FILE is one line on stderr and exit 2, for every command", async () => {
    for (const command of ["summarize", "validate", "normalize"]) {
      const r = await cli([command, dir]);
      assert.equal(r.code, 2, command);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr, `syncrun: cannot read ${dir}: is a directory\n`);
    }
  });
});

describe("summarize", () => {
  test("the report: runs, success rate, failure streak, row failure rate, durations, top errors, latest run", async () => {
    const r = await cli(["summarize", file("runs.ndjson")]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const s = summarizeRuns(NDJSON);
    const out = r.stdout;
    assert.match(out, /runs\.ndjson: 7 records, 5 valid, 1 invalid, 1 duplicate\n/);
    assert.match(out, /^Runs +1 success, 1 warning, 2 failed, 1 processing$/m);
    assert.equal(s.successRate, 0.5);
    assert.match(out, /^Success rate +50\.0% \(2 of 4 finished runs; 1 in progress\)$/m);
    assert.match(out, /^Failure streak +1 run since the last success, run r3 at 2024-05-01T12:00:00\.000Z$/m);
    assert.match(out, /^Last failure +run r5-é😀, failed, 2024-05-01T13:00:00\.000Z: HTTP 502 from destination after 4 retries$/m);
    assert.match(out, /^Rows +500 attempted, 110 failed, 0 skipped$/m);
    assert.match(out, /^Row failure +22\.0%$/m);
    // Durations [1.8 s, 1.8 s, 2 min 5 s, 1 h 3 min]; queued [0, 0, 0, 0, 2 min 5 s]; nearest rank
    // (SPEC §5); the duplicate r2 is left out.
    assert.match(out, /^Duration +p50 1\.8 s, p95 1 h 3 min, max 1 h 3 min \(4 runs\)$/m);
    assert.match(out, /^Queued +p50 0 ms, p95 2 min 5 s, max 2 min 5 s \(5 runs\)$/m);
    assert.match(out, /^Latest run +r6, processing, created 2024-05-01T14:00:00\.000Z$/m);
    assert.match(out, /^Top errors\n +2 +HTTP # from destination after # retries$/m);
    assert.match(out, /^Issues +8 errors, 1 warning \(syncrun validate lists them\)$/m);
  });

  test("human units, truncated: 1.85 s is 1.8 s, 2 h 0 min 59 s is 2 h, 1 d 5 h 59 min is 1 d 5 h", async () => {
    const input = [
      run("a", "success", "2024-05-02T00:00:00Z", 1_850),
      run("b", "success", "2024-05-02T01:00:00Z", 7_259_000),
      run("c", "success", "2024-05-02T02:00:00Z", 107_940_000),
    ].map((x) => JSON.stringify(x)).join("\n");
    const units = await cli(["summarize", "-"], { input });
    assert.match(units.stdout, /^Duration +p50 2 h, p95 1 d 5 h, max 1 d 5 h \(3 runs\)$/m);
    const r = await cli(["summarize", "-"], { input: CLEAN + JSON.stringify(run("r9", "success", "2024-05-02T00:00:00Z", 1_850)) + "\n" });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Duration +p50 1\.8 s, p95 1\.8 s, max 1\.8 s \(2 runs\)$/m);
    assert.match(r.stdout, /^Success rate +100\.0% \(2 of 2 finished runs; 1 in progress\)$/m);
    assert.match(r.stdout, /^Failure streak +0 runs$/m);
  });

  test("--json prints the BatchSummary, equal to summarizeRuns on the file", async () => {
    const r = await cli(["summarize", file("runs.ndjson"), "--json"]);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), summarizeRuns(NDJSON));
  });

  test("--warning-is-failure counts warning runs as not succeeded", async () => {
    const json = await cli(["summarize", "--warning-is-failure", "--json", file("runs.ndjson")]);
    assert.deepEqual(JSON.parse(json.stdout), summarizeRuns(NDJSON, { warningIsFailure: true }));
    const text = await cli(["summarize", "--warning-is-failure", file("runs.ndjson")]);
    assert.match(text.stdout, /^Success rate +25\.0% \(1 of 4 finished runs; 1 in progress, warnings count as failures\)$/m);
    assert.match(text.stdout, /^Failure streak +3 runs since the last success, run r1 at 2024-05-01T10:00:00\.000Z$/m);
  });

  test("an envelope: hasMore is reported; --max-issues bounds the JSON issues", async () => {
    const r = await cli(["summarize", file("envelope.json")]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /hasMore: true/);
    const j = await cli(["summarize", "--json", "--max-issues", "0", file("envelope.json")]);
    assert.deepEqual(JSON.parse(j.stdout), summarizeRuns(ENVELOPE, { maxIssues: 0 }));
    assert.equal(JSON.parse(j.stdout).issuesTruncated, true);
  });

  test("input unreadable as a whole: the issue is shown, exit 1", async () => {
    const r = await cli(["summarize", file("broken.json")]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /cannot be read/);
    assert.match(r.stdout, /\(input\) {2}error {2}invalid_json {2}/);
    const j = await cli(["summarize", "--json", file("broken.json")]);
    assert.equal(j.code, 1);
    assert.deepEqual(JSON.parse(j.stdout), summarizeRuns(readFileSync(file("broken.json"))));
  });
});

describe("validate", () => {
  const issueLine = /^(\(input\)|(?:\/[^ ]*)+) {2}(error|warning) {2}([a-z_]+) {2}(.+?)(?: {2}\(line (\d+)(?:, column (\d+))?\))?$/;

  test("one line per issue (path, severity, code, message, line) in input order; exit 1 when a run is invalid", async () => {
    const r = await cli(["validate", file("runs.ndjson")]);
    assert.equal(r.code, 1);
    const expected = normalizeRuns(NDJSON).issues;
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines.length, expected.length);
    lines.forEach((line, i) => {
      const m = issueLine.exec(line);
      assert.ok(m, `issue line: ${line}`);
      assert.deepEqual([m[1], m[2], m[3], Number(m[5])], [expected[i].path, expected[i].severity, expected[i].code, expected[i].line]);
      assert.equal(m[4], expected[i].message);
    });
    assert.ok(lines.some((l) => l.startsWith("/3/status  error  unknown_status  ")));
    assert.ok(lines.some((l) => l.startsWith("/4/id  warning  duplicate_id  ")));
    assert.equal(r.stderr, `syncrun: ${file("runs.ndjson")}: 7 records: 5 valid, 1 invalid, 1 duplicate; 8 errors, 1 warning\n`);
  });

  test("--json prints each issue as one JSON line, equal to the batch's issues", async () => {
    const r = await cli(["validate", "--json", file("runs.ndjson")]);
    assert.equal(r.code, 1);
    const got = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(got, normalizeRuns(NDJSON).issues);
  });

  test("exit 0 when no run is invalid (warnings are still listed)", async () => {
    const clean = await cli(["validate", file("clean.ndjson")]);
    assert.equal(clean.code, 0);
    assert.equal(clean.stdout, "");
    const warned = await cli(["validate", "--json", "-"], { input: CLEAN + JSON.stringify(run("r1", "success", "2024-05-03T00:00:00Z", 5)) });
    assert.equal(warned.code, 0);
    assert.equal(JSON.parse(warned.stdout).code, "duplicate_id");
  });

  test("issues of a JSON document carry the line and column of their value (SPEC §3)", async () => {
    const r = await cli(["validate", file("envelope.json")]);
    assert.equal(r.code, 0);
    const [issue] = normalizeRuns(ENVELOPE).issues;
    assert.ok(issue.line !== null && issue.column !== null, "the package gives the position");
    const at = [...ENVELOPE.split("\n")[issue.line - 1]].slice(issue.column - 1).join("");
    assert.ok(at.startsWith(JSON.stringify(JSON.parse(ENVELOPE).data[3].id)), at);
    assert.equal(
      r.stdout,
      `/data/3/id  warning  duplicate_id  ${issue.message}  (line ${issue.line}, column ${issue.column})\n`,
    );
  });

  test("input unreadable as a whole (invalid JSON, invalid UTF-8, too large, --format json on NDJSON) exits 1", async () => {
    for (const [args, code] of [
      [[file("broken.json")], "invalid_json"],
      [[file("latin1.json")], "invalid_utf8"],
      // (SPEC §3.1: in NDJSON, maxBytes bounds each line; as one JSON document, the whole text.)
      [["--max-bytes", "100", "--format", "json", file("runs.ndjson")], "input_too_large"],
      [["--format", "json", file("runs.ndjson")], "invalid_json"],
    ]) {
      const r = await cli(["validate", "--json", ...args]);
      assert.equal(r.code, 1, args.join(" "));
      const issues = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
      assert.equal(issues.at(-1).code, code);
      assert.match(r.stderr, /cannot be read as SyncRun JSON/);
    }
  });

  test("--unknown-fields error makes unknown keys errors; --max-issues bounds what is printed", async () => {
    const text = JSON.stringify({ ...run("u1", "success", "2024-05-01T00:00:00Z", 10), syncId: "7" }) + "\n" + CLEAN;
    const strict = await cli(["validate", "--unknown-fields", "error", "-"], { input: text });
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /^\/0\/syncId {2}error {2}unknown_field {2}/);
    const lax = await cli(["validate", "-"], { input: text });
    assert.equal(lax.code, 0);
    const bounded = await cli(["validate", "--max-issues=2", file("runs.ndjson")]);
    assert.equal(bounded.code, 1);
    assert.equal(bounded.stdout.trimEnd().split("\n").length, 2);
    assert.match(bounded.stderr, /7 more issues not shown \(--max-issues 2\)/);
  });
});

describe("normalize", () => {
  test("a JSON array of the valid, de-duplicated runs; issues on stderr; exit 0", async () => {
    const r = await cli(["normalize", file("runs.ndjson")]);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), normalizeRuns(NDJSON).runs);
    assert.match(r.stdout, /^\[\n\{"id":"r1",.*\},\n\{"id":"r2",/s);
    assert.ok(r.stdout.endsWith("}\n]\n"));
    assert.match(r.stderr, /^\/3\/status {2}error {2}unknown_status {2}.*\(line 4\)$/m);
    assert.match(r.stderr, /7 records: 5 valid, 1 invalid, 1 duplicate/);
  });

  test("--ndjson: one run per line", async () => {
    const r = await cli(["normalize", "--ndjson", file("envelope.json")]);
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines, normalizeRuns(ENVELOPE).runs);
  });

  test("no valid run gives an empty array; --unknown-fields keep keeps the keys", async () => {
    const none = await cli(["normalize", "-"], { input: '{"id": 1}\n{"id": 2}\n' });
    assert.equal(none.code, 0);
    assert.equal(none.stdout, "[]\n");
    const text = JSON.stringify({ ...run("u1", "success", "2024-05-01T00:00:00Z", 10), syncId: "7" }) + "\n" + CLEAN;
    const kept = await cli(["normalize", "--unknown-fields", "keep", "-"], { input: text });
    assert.equal(JSON.parse(kept.stdout)[0].syncId, "7");
    const stripped = await cli(["normalize", "-"], { input: text });
    assert.equal("syncId" in JSON.parse(stripped.stdout)[0], false);
  });

  test("input unreadable as a whole: the array is closed, the issue on stderr, exit 1", async () => {
    const r = await cli(["normalize", file("broken.json")]);
    assert.equal(r.code, 1);
    assert.ok(Array.isArray(JSON.parse(r.stdout)));
    assert.match(r.stderr, /invalid_json/);
  });
});

describe("standard input", () => {
  test("`-` and no FILE both read stdin, giving what the file gives", async () => {
    const fromFile = await cli(["summarize", "--json", file("runs.ndjson")]);
    for (const args of [["summarize", "--json", "-"], ["summarize", "--json"]]) {
      const r = await cli(args, { input: NDJSON });
      assert.equal(r.code, 0, args.join(" "));
      assert.deepEqual(JSON.parse(r.stdout), JSON.parse(fromFile.stdout));
    }
    const v = await cli(["validate"], { input: NDJSON });
    assert.equal(v.code, 1);
    assert.match(v.stderr, /^syncrun: stdin: 7 records/m);
    const n = await cli(["normalize", "--ndjson"], { input: ENVELOPE });
    assert.equal(n.stdout.trimEnd().split("\n").length, normalizeRuns(ENVELOPE).runs.length);
  });

  test("stdin redirected from a file (`< FILE`)", async () => {
    const r = await cli(["validate", "--json"], { stdin: "ignore" }); // stdin is /dev/null
    assert.equal(r.code, 1, "an empty input is invalid JSON");
    const redirected = spawnSync("bash", ["-c", `node "${CLI}" normalize --ndjson < "${file("clean.ndjson")}"`], { encoding: "utf8" });
    assert.equal(redirected.status, 0);
    assert.equal(redirected.stdout.trimEnd().split("\n").length, 2);
  });
});

// SPEC §7.1 through the command line: --threads N reads parts of one NDJSON file in worker
// threads, each saved and merged in order into the first; the summary is the one thread's.
describe("summarize --threads", () => {
  let text;
  before(() => {
    // Ids repeat across any split (every 97th run is an earlier id), broken and blank lines,
    // warnings, errors with digits, a byte order mark, CRLF line ends in places.
    const lines = [];
    for (let i = 0; i < 6000; i++) {
      const status = ["success", "failed", "warning", "queued", "cancelled"][i % 5];
      const r = run(i % 97 === 0 ? `t${i % 13}` : `t${i}`, status, new Date(Date.UTC(2024, 0, 1 + (i % 40), i % 24)).toISOString(), 1000 + (i % 777), {
        failed: i % 7,
        error: status === "failed" ? `HTTP 50${i % 4} after ${i % 9} retries` : null,
        finished: status !== "queued",
      });
      lines.push(i % 211 === 5 ? '{"id": "broken", ' : i % 307 === 9 ? "" : JSON.stringify(r) + (i % 3 === 0 ? "\r" : ""));
    }
    text = "\ufeff" + lines.join("\n") + "\n";
    writeFileSync(file("threads.ndjson"), text);
    writeFileSync(file("threads.json"), JSON.stringify(RUNS));
  });

  test("1 to 5 threads give the one-thread summary, field for field (SPEC §7.1)", async () => {
    const want = summarizeRuns(text, { maxIssues: 50, warningIsFailure: true });
    assert.ok(want.duplicates > 0 && want.invalid > 0 && want.issues.length === 50);
    for (const threads of ["1", "2", "3", "5"]) {
      const r = await cli(["summarize", "--json", "--threads", threads, "--max-issues", "50", "--warning-is-failure", file("threads.ndjson")]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), want, `--threads ${threads}`);
    }
  });

  test("a JSON document, stdin and check read in one thread or as parts alike", async () => {
    const r = await cli(["summarize", "--json", "--threads", "4", file("threads.json")]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), summarizeRuns(JSON.stringify(RUNS)));
    const piped = await cli(["summarize", "--json", "--threads", "3", "-"], { input: text });
    assert.deepEqual(JSON.parse(piped.stdout), summarizeRuns(text));
    const one = await cli(["check", "--json", "--now", "2024-03-01T00:00:00Z", file("threads.ndjson")]);
    const three = await cli(["check", "--json", "--now", "2024-03-01T00:00:00Z", "--threads", "3", file("threads.ndjson")]);
    assert.equal(three.code, one.code);
    assert.deepEqual(JSON.parse(three.stdout), JSON.parse(one.stdout));
  });

  test("--threads must be a whole number from 1 to 64 (usage error, exit 2)", async () => {
    for (const bad of ["0", "65", "two", "-1", "1.5"]) {
      const r = await cli(["summarize", "--threads", bad, file("threads.ndjson")]);
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /--threads/);
    }
  });
});

describe("large inputs: progress bar and early-closed output", () => {
  let mid;
  before(() => {
    mid = generateNdjson(file("mid.ndjson"), 20_000_000);
  });

  test("no progress bar when stderr is not a terminal", async () => {
    const r = await cli(["summarize", file("mid.ndjson")]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    assert.match(r.stdout, new RegExp(`${mid.lines.toLocaleString("en-US")} records`));
  });

  const script = spawnSync("script", ["--version"]).status === 0;
  test("a progress bar (bytes, runs, throughput) when stderr is a terminal, cleared at the end", { skip: !script && "no `script` to make a terminal" }, () => {
    // `script` runs the command on a pseudo-terminal; its output is what the terminal showed.
    const r = spawnSync("script", ["-qec", `node "${CLI}" summarize "${file("mid.ndjson")}"`, "/dev/null"], { encoding: "utf8", env: { ...process.env, COLUMNS: "100" } });
    assert.equal(r.status, 0);
    const frames = r.stdout.split("\r").filter((f) => f.includes("runs"));
    assert.ok(frames.length >= 1, r.stdout.slice(0, 500));
    assert.match(frames[0], /\] +\d+% +[\d.]+ (kB|MB) \/ 20\.\d MB {2}[\d,]+ runs {2}[\d.]+ (kB|MB|GB)\/s\x1b\[K/);
    // The bar is erased before the report.
    const beforeReport = r.stdout.slice(0, r.stdout.indexOf(`${file("mid.ndjson")}:`));
    assert.ok(beforeReport.endsWith("\r\x1b[K"), JSON.stringify(beforeReport.slice(-40)));
  });

  test("normalize into a pipe closed early exits 0, with no EPIPE trace", () => {
    for (const flag of ["", "--ndjson"]) {
      const r = spawnSync("bash", ["-c", `set -o pipefail; node "${CLI}" normalize ${flag} "${file("mid.ndjson")}" | head -n 1`], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, flag ? r.stdout.split("\n")[0] + "\n" : "[\n");
      assert.doesNotMatch(r.stderr, /EPIPE|Error|at /);
    }
  });
});

// SPEC §7 and the issue's bound: a 1 GB NDJSON file summarized in under 200 MB of peak RSS.
describe("1 GB NDJSON", { timeout: 240_000 }, () => {
  const big = join(tmpdir(), `syncrun-1gb-${process.pid}.ndjson`);
  let written;
  before(() => {
    const t0 = performance.now();
    written = generateNdjson(big, 1_073_741_824);
    console.log(`generated ${big}: ${written.bytes} bytes, ${written.lines} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
  after(() => rmSync(big, { force: true }));

  test("summarize --json streams it: records equal the lines written, peak RSS < 200 MB", async () => {
    const timeFile = join(dir, "time.txt");
    const useTime = existsSync("/usr/bin/time");
    const t0 = performance.now();
    let r;
    let peakKb;
    if (useTime) {
      r = await new Promise((resolve, reject) => {
        const child = spawn("/usr/bin/time", ["-v", "-o", timeFile, process.execPath, CLI, "summarize", "--json", big], { cwd: ROOT });
        const out = [];
        const err = [];
        child.stdout.on("data", (d) => out.push(d));
        child.stderr.on("data", (d) => err.push(d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
      });
      peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, "utf8"))[1]);
    } else {
      // No /usr/bin/time: poll the child's high-water mark (VmHWM) until it exits.
      peakKb = 0;
      r = await new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, "summarize", "--json", big], { cwd: ROOT });
        const poll = setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
            if (m) peakKb = Math.max(peakKb, Number(m[1]));
          } catch {
            // The child is gone.
          }
        }, 20);
        const out = [];
        const err = [];
        child.stdout.on("data", (d) => out.push(d));
        child.stderr.on("data", (d) => err.push(d));
        child.on("error", reject);
        child.on("close", (code) => {
          clearInterval(poll);
          resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
        });
      });
    }
    const seconds = (performance.now() - t0) / 1000;
    const peakBytes = peakKb * 1024;
    console.log(
      `summarize --json of ${(statSync(big).size / 1e9).toFixed(2)} GB NDJSON (${written.lines} runs): ` +
        `${seconds.toFixed(1)} s wall, peak RSS ${(peakBytes / 1e6).toFixed(0)} MB (${peakKb} kB, ${useTime ? "/usr/bin/time -v" : "VmHWM polling"})`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "", "nothing on stderr: no progress bar when it is not a terminal");
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.records, written.lines);
    assert.equal(summary.valid, written.lines);
    assert.equal(summary.errorCount, 0);
    assert.ok(peakBytes < 200e6, `peak RSS ${(peakBytes / 1e6).toFixed(0)} MB must stay under 200 MB`);
  });

  test("normalize piped into head exits 0 at once", () => {
    const t0 = performance.now();
    const r = spawnSync("bash", ["-c", `set -o pipefail; node "${CLI}" normalize --ndjson "${big}" | head -n 1`], { encoding: "utf8" });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`normalize --ndjson of the 1 GB file | head -n 1: ${seconds.toFixed(2)} s`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).id, "100000000");
    assert.equal(r.stderr, "");
    assert.ok(seconds < 20, "stopped early instead of reading the whole file");
  });
});

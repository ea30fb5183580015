// SPEC §3.1: maxBytes is checked before an input is copied into WebAssembly memory, so memory
// never depends on how far an input exceeds it; and the CLI, which uses the library's default,
// ends on endless or huge inputs with a clear message in bounded memory.
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, ftruncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MB = 1e6;

/** The package's glue on an instance of its own, so that its memory starts fresh. */
async function freshInstance() {
  const api = await import(`../../pkg/glue/syncrun.js?memory=${Math.random()}`);
  const wasm = api.initSync({ module: readFileSync(join(ROOT, "pkg/glue/syncrun_bg.wasm")) });
  return { api, memory: () => wasm.memory.buffer.byteLength };
}

function assertTooLarge(result, what) {
  assert.deepEqual(result.issues.map((i) => [i.code, i.path]), [["input_too_large", ""]], what);
}

const RUN = {
  id: "r1", status: "success", createdAt: "2024-03-01T10:00:00Z", startedAt: "2024-03-01T10:00:01Z",
  finishedAt: "2024-03-01T10:00:05Z", completionRatio: 1, querySize: 3,
  plannedRows: { addedCount: 1, changedCount: 0, removedCount: 0 },
  successfulRows: { addedCount: 1, changedCount: 0, removedCount: 0 },
  failedRows: { addedCount: 0, changedCount: 0, removedCount: 0 }, error: null,
};

test("SPEC §3.1: with maxBytes 1000, 300 MB inputs (bytes, string, parsed value) leave wasm memory under 8 MB", async () => {
  const { api, memory } = await freshInstance();
  const options = { maxBytes: 1000 };
  const bytes = new Uint8Array(300 * MB).fill(0x20);
  const euros = "€".repeat(100 * MB); // 100 M UTF-16 units, 300 MB of UTF-8
  const runs = new Array(Math.ceil((300 * MB) / JSON.stringify(RUN).length)).fill(RUN); // ≈ 300 MB of JSON text
  const justOver = "€".repeat(334); // 334 units, 1002 bytes: found while encoding, not from its length
  for (const [what, input] of [["bytes", bytes], ["string", euros], ["value", runs], ["value in an envelope", { data: runs }], ["1002 bytes", justOver]]) {
    const started = performance.now();
    for (const f of ["summarizeRuns", "normalizeRuns", "validateRun"]) assertTooLarge(api[f](input, options), `${what}, ${f}`);
    const ms = performance.now() - started;
    assert.ok(memory() < 8 * MB, `${what}: wasm memory ${memory()} bytes`);
    assert.ok(ms < 2000, `${what}: ${ms.toFixed(0)} ms; nothing should have been read`);
  }
  // And with the default maxBytes (256 MiB), the 300 MB bytes are refused before any copy.
  assertTooLarge(api.summarizeRuns(bytes), "bytes, default maxBytes");
  assert.ok(memory() < 8 * MB, `default maxBytes: wasm memory ${memory()} bytes`);
  // A 4 GiB-long sparse array is refused as soon as it is looked at, under any maxBytes.
  const sparse = [];
  sparse.length = 2 ** 32 - 1;
  assertTooLarge(api.summarizeRuns(sparse), "sparse array, default maxBytes");
  assert.ok(memory() < 8 * MB, `sparse: wasm memory ${memory()} bytes`);
  // A 4 GiB Uint8Array (whose length wrapped to 0 in 32 bits) is too large under the default,
  // and too large for wasm memory under maxBytes: Infinity; never a trap.
  let huge = null;
  try {
    huge = new Uint8Array(2 ** 32); // lazily zeroed: costs no RSS until touched
  } catch {
    // This engine cannot make one; nothing to check.
  }
  if (huge !== null) {
    assertTooLarge(api.summarizeRuns(huge), "4 GiB, default maxBytes");
    assertTooLarge(api.summarizeRuns(huge, { maxBytes: Infinity }), "4 GiB, maxBytes Infinity");
    const s = new api.SummaryStream({ maxBytes: 1000 });
    s.push(huge.subarray(0, 50 * MB)); // one line of NULs, skipped a mebibyte at a time
    assert.equal(s.finish().records, 0);
    assert.ok(memory() < 8 * MB, `4 GiB: wasm memory ${memory()} bytes`);
  }
  // The instance still answers normal calls.
  assert.equal(api.summarizeRuns([RUN]).valid, 1);
});

test("SPEC §3.1, §7: a stream fed 300 MB of one endless line holds none of it", async () => {
  const { api, memory } = await freshInstance();
  const s = new api.SummaryStream({ maxBytes: 1000, format: "ndjson" });
  const chunk = new Uint8Array(4 * MB).fill(0x61);
  for (let i = 0; i < 75; i++) s.push(chunk);
  s.push(`\n${JSON.stringify(RUN)}\n`);
  const summary = s.finish();
  assert.deepEqual(summary.issues.map((i) => [i.code, i.path, i.line]), [["input_too_large", "/0", 1]]);
  assert.equal(summary.valid, 1);
  assert.ok(memory() < 8 * MB, `wasm memory ${memory()} bytes`);
});

/** Runs the CLI with its peak RSS (kB) reported on stderr by a preloaded hook: VmHWM, which
 * exec resets (getrusage's maxrss keeps the forking parent's, here hundreds of MB). */
function cli(args) {
  const hook =
    'data:text/javascript,import{readFileSync}from"node:fs";process.on("exit",()=>process.stderr.write("\\nmaxrss_kb="+/VmHWM:\\s*(\\d+)/.exec(readFileSync("/proc/self/status","utf8"))[1]+"\\n"))';
  const r = spawnSync(process.execPath, ["--import", hook, join(ROOT, "pkg/cli.js"), ...args], { encoding: "utf8", timeout: 120_000 });
  const rss = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1]);
  return { ...r, rssMb: (rss * 1024) / 2 ** 20 };
}

test("SPEC §3.1: syncrun summarize /dev/zero and a 2 GB sparse file exit 1 with a clear message, within 256 MiB + 64 MB of RSS", () => {
  const dir = mkdtempSync(join(tmpdir(), "syncrun-memory-"));
  const sparse = join(dir, "sparse.json");
  const fd = openSync(sparse, "w");
  ftruncateSync(fd, 2 * 2 ** 30);
  closeSync(fd);
  try {
    for (const file of ["/dev/zero", sparse]) {
      for (const command of ["summarize", "validate"]) {
        const r = cli([command, file]);
        assert.equal(r.error, undefined, `${command} ${file}: ${r.error}`);
        assert.equal(r.status, 1, `${command} ${file}: ${r.stderr}`);
        assert.match(r.stdout + r.stderr, /input_too_large/, `${command} ${file}`);
        assert.ok(r.rssMb < 256 + 64, `${command} ${file}: peak RSS ${r.rssMb.toFixed(0)} MiB`);
        console.log(`# syncrun ${command} ${file}: exit ${r.status}, peak RSS ${r.rssMb.toFixed(0)} MiB`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// TypeScript declarations generated from the Rust types (tsify): a strict consumer compiles, and
// the generated .d.ts equals the committed golden copy (SPEC §8, STYLE §2).
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("SPEC §8: a strict TypeScript consumer of every export and type compiles", () => {
  try {
    execFileSync(`${root}node_modules/.bin/tsc`, ["-p", `${root}tests/ts/tsconfig.json`], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});

test("SPEC §8: the generated declarations equal tests/golden/syncrun.d.ts (UPDATE_GOLDEN=1 to accept a change)", () => {
  const generated = readFileSync(`${root}pkg/glue/syncrun.d.ts`, "utf8");
  const goldenPath = `${root}tests/golden/syncrun.d.ts`;
  if (process.env.UPDATE_GOLDEN === "1") {
    import("node:fs").then((fs) => fs.writeFileSync(goldenPath, generated));
    return;
  }
  assert.equal(generated, readFileSync(goldenPath, "utf8"), "the .d.ts changed: review the diff, then UPDATE_GOLDEN=1 npm test");
  for (const name of ["SyncRun", "SyncRunStatus", "RowCounts", "Issue", "IssueCode", "Severity", "RunSummary", "BatchSummary", "Stats", "Options"]) {
    assert.match(generated, new RegExp(`export (type|interface) ${name}\\b`), name);
  }
  assert.match(generated, /export type SyncRunStatus = "success" \| "warning" \| "failed" \| "cancelled" \| "interrupted" \| "queued" \| "querying" \| "processing" \| "reporting";/);
  assert.match(generated, /startedAt: string \| null;/);
  assert.doesNotMatch(generated, /\| undefined/);
});

test("SPEC §6: SyncRunErrorCode is the codes SPEC §6 names, and covers every code the source throws", () => {
  const dts = readFileSync(`${root}pkg/index.d.ts`, "utf8");
  const union = /export type SyncRunErrorCode = ([^;]+);/.exec(dts)?.[1];
  assert.ok(union, "index.d.ts declares SyncRunErrorCode");
  const codes = [...union.matchAll(/"(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(codes.toSorted(), ["api_error", "invalid_option", "invalid_state", "invalid_summary", "stream_finished", "unsupported_input"]);
  const thrown = new Set();
  const walk = (dir) => {
    for (const f of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${f.name}`;
      if (f.isDirectory()) walk(path);
      else if (/\.(rs|js)$/.test(f.name)) {
        for (const m of readFileSync(path, "utf8").matchAll(/\b(?:misuse|sync_run_error|syncRunError|new SyncRunError)\(\s*"(\w+)"/g)) thrown.add(m[1]);
      }
    }
  };
  walk(`${root}src`);
  assert.ok(thrown.size >= 3, `found the codes thrown in src/: ${[...thrown]}`);
  for (const c of thrown) assert.ok(codes.includes(c), `src/ throws "${c}", which SyncRunErrorCode lacks`);
  assert.match(dts, /export declare class SyncRunError extends Error \{[^}]*code: SyncRunErrorCode;/);
});

test("SPEC §12: the package's declarations name only its API: no wasm-bindgen init, no DOM type; .d.cts = .d.ts", async () => {
  const dts = readFileSync(`${root}pkg/index.d.ts`, "utf8");
  for (const name of ["initSync", "__wbg_init", "InitInput", "InitOutput", "SyncInitInput", "RequestInfo", "BufferSource", "Response", "WebAssembly"]) {
    assert.doesNotMatch(dts, new RegExp(`\\b${name}\\b`), name);
  }
  assert.doesNotMatch(dts, /export class RecordStream/, "the CLI's RecordStream is not part of the API");
  assert.equal(readFileSync(`${root}pkg/index.d.cts`, "utf8"), dts);
  // Every value the package exports is declared, and nothing else is.
  const values = [...dts.matchAll(/^export (?:declare )?(?:function|class) (\w+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(values, Object.keys(await import("syncrun")).sort());
});

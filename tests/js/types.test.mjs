// TypeScript declarations generated from the Rust types (tsify): a strict consumer compiles, and
// the generated .d.ts equals the committed golden copy (SPEC §8, STYLE §2).
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
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

// The CLI prints file names with control characters escaped: a name holding a newline or an
// ANSI escape must not forge output lines or recolour the terminal.
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../pkg/cli.js", import.meta.url));

function cli(args) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });
}

test("file names with newlines, ANSI escapes and other control characters are printed escaped", () => {
  const dir = mkdtempSync(join(tmpdir(), "syncrun-names-"));
  try {
    const name = join(dir, "runs\n\u001b[31mred\u0007\u0085\u2028.json");
    writeFileSync(name, "[]");
    const shown = `${dir}/runs\\n\\x1b[31mred\\x07\\x85\\u2028.json`;
    const summary = cli(["summarize", name]);
    assert.equal(summary.status, 0, summary.stderr);
    assert.equal(summary.stdout.split("\n")[0], `${shown}: 0 records, 0 valid, 0 invalid, 0 duplicates`);
    const counts = cli(["validate", name]);
    assert.equal(counts.stderr, `syncrun: ${shown}: 0 records: 0 valid, 0 invalid, 0 duplicates; 0 errors, 0 warnings\n`);
    const missing = cli(["validate", join(dir, "gone\u001b[2J.json")]);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, `syncrun: cannot read ${dir}/gone\\x1b[2J.json: no such file or directory\n`);
    for (const out of [summary.stdout, counts.stderr, missing.stderr]) {
      assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/, "no raw control character");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The README's Node example, pasted and run, prints exactly what the README says it prints.
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const readme = readFileSync(`${root}README.md`, "utf8");

function block(marker) {
  const m = readme.match(new RegExp(`<!-- ${marker} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``));
  assert.ok(m, `README has a code block after <!-- ${marker} -->`);
  return m[1];
}

test("README: the Node example runs as printed (SPEC §8)", () => {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", block("example:node")], { cwd: root, encoding: "utf8" });
  assert.equal(out.trimEnd(), block("output:node"));
});

test("README: names the two set-up commands that package.json defines", () => {
  const scripts = JSON.parse(readFileSync(`${root}package.json`, "utf8")).scripts;
  assert.match(readme, /npm run demo/);
  assert.match(readme, /npm test/);
  assert.ok(scripts.demo && scripts.test);
});

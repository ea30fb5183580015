// The README that ships in the tarball (pkg/README.md, made by scripts/pkg-readme.mjs) is for
// users: no set-up or build sections, no link that breaks on npm, the Node range of `engines`.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { packageReadme } from "../../scripts/pkg-readme.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const readme = readFileSync(`${root}README.md`, "utf8");

test("SPEC §12: the package README keeps install, use, API, CLI and where it runs, and drops the repository's parts", () => {
  const out = packageReadme(readme);
  for (const h of ["## Use it from Node", "## Use it in the browser", "## Where it runs", "## API", "## Command line"]) assert.ok(out.includes(h), h);
  for (const h of ["## Set-up", "## How it is built", "../shared/", "docs/demo.png", "repository only"]) assert.ok(!out.includes(h), h);
  assert.doesNotMatch(out, /\]\((?!https?:|#)[^)]+\)/, "no relative link or image");
  const engines = JSON.parse(readFileSync(`${root}pkg/package.json`, "utf8")).engines.node;
  assert.equal(engines, "^20.19.0 || >=22.12.0");
  assert.ok(out.includes(`\`${engines}\``), "README says the engines range");
  assert.doesNotMatch(out, /Node ≥ ?20/, "no other Node range");
});

test("a relative link outside a repository-only part is an error, not a dead link on npm", () => {
  assert.throws(() => packageReadme("# x\n\nSee [the spec](../shared/SPEC.md).\n"), /\.\.\/shared\/SPEC\.md/);
  assert.throws(() => packageReadme("# x\n\n![shot](docs/demo.png)\n"), /docs\/demo\.png/);
  assert.throws(() => packageReadme("# x\n<!-- repository only:start -->\nno end\n"), /unmatched/);
  assert.equal(packageReadme("# x\n<!-- repository only:start -->\n[a](docs/a.md)\n<!-- repository only:end -->\n[b](https://example.org/)\n"), "# x\n[b](https://example.org/)\n");
});

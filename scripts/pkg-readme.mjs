// pkg/README.md, the README that ships in the tarball and that npm shows: the repository's
// README.md less its parts between <!-- repository only:start --> and <!-- repository only:end -->
// (set-up, the demo picture, how it is built). A link or image that would break on npm (a
// relative path: ../shared/…, docs/…) is an error, not a silent dead link.
//   node scripts/pkg-readme.mjs [README.md] [pkg/README.md]   (run by scripts/build.sh)
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const [from = `${root}README.md`, to = `${root}pkg/README.md`] = process.argv.slice(2);

/** The package's README made from the repository's: an Error naming what would break on npm. */
export function packageReadme(text) {
  let out = text.replace(/<!-- repository only:start -->[\s\S]*?<!-- repository only:end -->\n?/g, "");
  if (/repository only:(start|end)/.test(out)) throw new Error("README.md: an unmatched <!-- repository only --> marker");
  out = out.replace(/\n{3,}/g, "\n\n");
  const relative = [...out.matchAll(/!?\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img[^>]*src="([^"]+)"/g)]
    .map((m) => m[1] ?? m[2])
    .filter((target) => !/^(https?:|#|mailto:)/.test(target));
  if (relative.length) throw new Error(`README.md: links that break on npm outside a repository-only part: ${relative.join(", ")}`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    writeFileSync(to, packageReadme(readFileSync(from, "utf8")));
  } catch (e) {
    console.error(`pkg-readme: ${e.message}`);
    process.exit(1);
  }
}

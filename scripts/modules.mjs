#!/usr/bin/env node
// The module graph of src/ (issue #15): which module names which, read from the Rust text
// (`use crate::…`, `crate::x::…` paths, `super::…`, `$crate::…` in macros). Fails (exit 1) when
// the graph has a cycle, naming it, or when a module of the core names `wasm` (only the crate
// root declares it); otherwise prints the layers, lowest first: each module imports only from
// layers above it in the list.
//
//   node scripts/modules.mjs [src-dir]
//
// A file is a module: src/x.rs and src/x/mod.rs are `x`, src/x/y.rs is `x::y`, src/lib.rs the
// crate root (`lib`). `crate::NAME` where NAME is not a module is the root (a re-export or an
// entry point). A child module naming its parent (`super::`) is an edge like any other; code
// inside a file's own `mod tests` that says `super::` means the file itself and is no edge.
// Comments, strings and character literals are blanked before reading, so prose never counts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

const root = process.argv[2] ?? new URL("../src", import.meta.url).pathname;

function rustFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return rustFiles(path);
    return name.endsWith(".rs") ? [path] : [];
  });
}

/** src/a/b.rs -> "a::b"; src/a/mod.rs -> "a"; src/lib.rs -> "lib". */
function moduleOf(path) {
  const parts = relative(root, path).replace(/\.rs$/, "").split(sep);
  if (parts.at(-1) === "mod") parts.pop();
  if (parts.length === 1 && parts[0] === "lib") return "lib";
  return parts.join("::");
}

/** The text with comments, string and char literals replaced by spaces (lines kept). */
function blank(text) {
  let out = "";
  let i = 0;
  const n = text.length;
  const keep = (s) => s.replace(/[^\n]/g, " ");
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      out += keep(text.slice(i, stop));
      i = stop;
    } else if (c === "/" && next === "*") {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === "/" && text[j + 1] === "*") (depth++, (j += 2));
        else if (text[j] === "*" && text[j + 1] === "/") (depth--, (j += 2));
        else j++;
      }
      out += keep(text.slice(i, j));
      i = j;
    } else if (c === "r" && /^r#*"/.test(text.slice(i, i + 66)) && !/[A-Za-z0-9_]/.test(text[i - 1] ?? "")) {
      const hashes = /^r(#*)"/.exec(text.slice(i, i + 66))[1];
      const close = `"${hashes}`;
      const end = text.indexOf(close, i + 2 + hashes.length);
      const stop = end < 0 ? n : end + close.length;
      out += keep(text.slice(i, stop));
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += keep(text.slice(i, j + 1));
      i = j + 1;
    } else if (c === "'" && /^'(\\.[^']*|[^\\'])'/u.test(text.slice(i, i + 12))) {
      const m = /^'(\\.[^']*|[^\\'])'/u.exec(text.slice(i, i + 12))[0];
      out += keep(m);
      i += m.length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Byte ranges of inline `mod NAME { … }` blocks (tests and the like), whose `super::` is the file. */
function inlineModules(code) {
  const ranges = [];
  const re = /\bmod\s+[A-Za-z_][A-Za-z0-9_]*\s*\{/g;
  let m;
  while ((m = re.exec(code))) {
    let depth = 0;
    let j = m.index + m[0].length - 1;
    for (; j < code.length; j++) {
      if (code[j] === "{") depth++;
      else if (code[j] === "}" && --depth === 0) break;
    }
    ranges.push([m.index, j]);
    re.lastIndex = j;
  }
  return ranges;
}

const files = rustFiles(root).sort();
const modules = new Map(files.map((f) => [moduleOf(f), f]));
const names = new Set(modules.keys());

/** The module a path names, from the first segments after `crate::`. */
function resolve(segments) {
  for (let k = segments.length; k > 0; k--) {
    const name = segments.slice(0, k).join("::");
    if (names.has(name)) return name;
  }
  return "lib";
}

const edges = new Map(); // module -> Map(target -> first line naming it)
for (const [mod, file] of modules) {
  const code = blank(readFileSync(file, "utf8"));
  const inner = inlineModules(code);
  const out = new Map();
  const add = (target, at) => {
    if (target === mod || out.has(target)) return;
    out.set(target, code.slice(0, at).split("\n").length);
  };
  const parent = mod.includes("::") ? mod.split("::").slice(0, -1).join("::") : "lib";
  // `use crate::{a, b::c}` and `use crate::a::{…}`: every first segment inside the braces.
  for (const m of code.matchAll(/\buse\s+(?:\$?crate)::\{([^;]*)\}\s*;/g)) {
    for (const item of m[1].split(",")) {
      const segs = item.trim().split("::").map((s) => s.replace(/[{}\s].*$/, "")).filter(Boolean);
      if (segs.length) add(resolve(segs), m.index);
    }
  }
  for (const m of code.matchAll(/(?<![A-Za-z0-9_:])\$?crate((?:::[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
    add(resolve(m[1].split("::").filter(Boolean)), m.index);
  }
  /** The module that `super::` followed by `segs` names. */
  const fromParent = (segs) => {
    const under = parent === "lib" ? segs : [...parent.split("::"), ...segs];
    return parent === "lib" ? resolve(under) : resolve(under) === "lib" ? parent : resolve(under);
  };
  for (const m of code.matchAll(/(?<![A-Za-z0-9_:])super::((?:[A-Za-z_][A-Za-z0-9_]*::)*[A-Za-z_*][A-Za-z0-9_]*)/g)) {
    if (inner.some(([a, b]) => m.index > a && m.index < b)) continue; // the file itself
    if (mod === "lib") continue;
    add(fromParent(m[1].split("::")), m.index);
  }
  // `use super::{a, b::c}`: every item inside the braces, as for `crate::{…}`.
  for (const m of code.matchAll(/(?<![A-Za-z0-9_:])super::\{([^;]*)\}\s*;/g)) {
    if (inner.some(([a, b]) => m.index > a && m.index < b)) continue;
    if (mod === "lib") continue;
    for (const item of m[1].split(",")) {
      const segs = item.trim().split("::").map((s) => s.replace(/[{}\s].*$/, "")).filter(Boolean);
      if (segs.length) add(fromParent(segs), m.index);
    }
  }
  // A module's own children are named without `crate::` (`batch::Batch` in lib.rs).
  const prefix = mod === "lib" ? "" : `${mod}::`;
  for (const m of code.matchAll(/(?<![A-Za-z0-9_:$])([a-z_][a-z0-9_]*)::/g)) {
    if (inner.some(([a, b]) => m.index > a && m.index < b)) continue;
    if (names.has(prefix + m[1])) add(prefix + m[1], m.index);
  }
  edges.set(mod, out);
}

const problems = [];
const isBoundary = (m) => m === "wasm" || m.startsWith("wasm::");
for (const [mod, out] of edges) {
  if (isBoundary(mod) || mod === "lib") continue;
  for (const [target, line] of out) {
    if (isBoundary(target)) problems.push(`${relative(process.cwd(), modules.get(mod))}:${line}: core module ${mod} names ${target}`);
  }
}

// Cycles: the strongly connected components (Tarjan); each one of more than one module is
// reported with its members and one shortest cycle through them.
const targets = (m) => [...(edges.get(m)?.keys() ?? [])].filter((t) => edges.has(t)).sort();
const index = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const components = [];
let counter = 0;
function strong(m) {
  index.set(m, counter);
  low.set(m, counter++);
  stack.push(m);
  onStack.add(m);
  for (const t of targets(m)) {
    if (!index.has(t)) {
      strong(t);
      low.set(m, Math.min(low.get(m), low.get(t)));
    } else if (onStack.has(t)) low.set(m, Math.min(low.get(m), index.get(t)));
  }
  if (low.get(m) === index.get(m)) {
    const component = [];
    let t;
    do {
      t = stack.pop();
      onStack.delete(t);
      component.push(t);
    } while (t !== m);
    if (component.length > 1) components.push(component.sort());
  }
}
for (const m of [...edges.keys()].sort()) if (!index.has(m)) strong(m);
for (const component of components) {
  const inside = new Set(component);
  const start = component[0];
  // Breadth-first from start's successors back to start.
  const from = new Map();
  const queue = targets(start).filter((t) => inside.has(t));
  for (const t of queue) from.set(t, start);
  while (queue.length && !from.has(start)) {
    const m = queue.shift();
    for (const t of targets(m)) {
      if (inside.has(t) && !from.has(t)) {
        from.set(t, m);
        queue.push(t);
      }
    }
  }
  const cycle = [start];
  for (let m = from.get(start); m !== start; m = from.get(m)) cycle.unshift(m);
  cycle.unshift(start);
  const steps = cycle.slice(0, -1).map((a, i) => `${a} -> ${cycle[i + 1]} (${relative(process.cwd(), modules.get(a))}:${edges.get(a).get(cycle[i + 1])})`);
  problems.push(`cycle: ${cycle.join(" -> ")}  [circle of ${component.join(", ")}]\n      ${steps.join("\n      ")}`);
}

if (problems.length) {
  console.error(`modules: the module graph of ${relative(process.cwd(), root) || "."} is not layered:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}

// Layers: a module's layer is one more than the highest layer it imports from.
const layer = new Map();
function depth(m) {
  if (layer.has(m)) return layer.get(m);
  const d = Math.max(-1, ...[...(edges.get(m)?.keys() ?? [])].filter((t) => edges.has(t)).map(depth)) + 1;
  layer.set(m, d);
  return d;
}
for (const m of edges.keys()) depth(m);
const byLayer = [];
for (const [m, d] of layer) (byLayer[d] ??= []).push(m);
console.log(`modules: ${edges.size} modules, no cycle, no core module names wasm; layers, lowest first:`);
byLayer.forEach((ms, d) => {
  const line = ms
    .sort()
    .map((m) => {
      const deps = [...edges.get(m).keys()].filter((t) => edges.has(t)).sort();
      return deps.length ? `${m} (${deps.join(", ")})` : m;
    })
    .join("; ");
  console.log(`  ${d}: ${line}`);
});

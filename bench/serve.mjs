// Static server of the browser benchmark (bench/browser.mjs starts it in its own process).
// Local files only, no Content-Security-Policy (ajv compiles validators with `new Function`):
//   /bench/                      bench/ (page.html, contenders.mjs)
//   /bench/data.json             the benchmark batch, handed over by the caller
//   /bench/vendor/ajv.mjs        ajv (CommonJS) bundled on the fly into one ES module
//   /pkg/                        pkg/ (the built package, as a browser gets it from npm)
//   /node_modules/zod/           zod's own ES modules (the page's import map points "zod" here)
//
//   node bench/serve.mjs          serves on PORT (default 8081), without /bench/data.json
// As a module: `startServer({ port, data })` resolves to { server, base }.

import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { stat, readFile } from "node:fs/promises";
import { createRequire, isBuiltin } from "node:module";
import { dirname, extname, isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// Longest prefix first.
const MOUNTS = [
  ["/node_modules/zod/", join(ROOT, "node_modules", "zod")],
  ["/bench/", join(ROOT, "bench")],
  ["/pkg/", join(ROOT, "pkg")],
];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
};

/**
 * A CommonJS package as one ES module whose default export is the entry's `module.exports`
 * (its `.default` when it has one). Follows literal `require("...")` calls with Node's own
 * resolution; requires it cannot resolve (Node built-ins, optional packages such as re2) throw
 * only if the code actually calls them.
 */
export function bundleCommonJs(entry) {
  const ids = new Map();
  const modules = [];
  const visit = (file) => {
    if (ids.has(file)) return ids.get(file);
    const id = modules.length;
    ids.set(file, id);
    modules.push(null);
    const source = readFileSync(file, "utf8");
    const deps = {};
    if (file.endsWith(".json")) {
      modules[id] = { file, body: `module.exports = ${source};`, deps };
      return id;
    }
    const req = createRequire(file);
    for (const [, double, single] of source.matchAll(/\brequire\(\s*(?:"([^"]+)"|'([^']+)')\s*\)/g)) {
      const spec = double ?? single;
      if (spec in deps || isBuiltin(spec)) continue;
      let target;
      try {
        target = req.resolve(spec);
      } catch {
        continue;
      }
      if (isAbsolute(target)) deps[spec] = visit(target);
    }
    modules[id] = { file, body: source, deps };
    return id;
  };
  visit(entry);
  const defs = modules
    .map((m) => `// ${m.file.slice(ROOT.length + 1)}\n[function (module, exports, require) {\n${m.body}\n}, ${JSON.stringify(m.deps)}]`)
    .join(",\n");
  return `// Bundled by bench/serve.mjs from ${entry.slice(ROOT.length + 1)}; do not edit.
const defs = [
${defs}
];
const cache = [];
function load(id) {
  if (cache[id]) return cache[id].exports;
  const module = { exports: {} };
  cache[id] = module;
  const [fn, deps] = defs[id];
  fn.call(module.exports, module, module.exports, (spec) => {
    if (!(spec in deps)) throw new Error("bench bundle: cannot require " + spec + " in a browser");
    return load(deps[spec]);
  });
  return module.exports;
}
const entry = load(0);
export default entry.default ?? entry;
`;
}

let ajvBundle = null;

/** The file a URL path names, or null when it is outside every mount. */
function fileFor(pathname) {
  for (const [prefix, base] of MOUNTS) {
    if (!pathname.startsWith(prefix)) continue;
    const rel = pathname.slice(prefix.length);
    const file = resolve(base, "." + sep + rel);
    return file.startsWith(base + sep) ? file : null;
  }
  return null;
}

function send(res, status, type, body) {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
  res.end(body);
}

/** Serves the benchmark; `data` (string or bytes) is the batch at /bench/data.json. */
export function startServer({ port = 0, host = "127.0.0.1", data = null } = {}) {
  const server = createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url, "http://localhost");
      if (pathname === "/favicon.ico") return send(res, 204, "image/x-icon", "");
      if (pathname === "/bench/data.json" && data !== null) return send(res, 200, TYPES[".json"], data);
      if (pathname === "/bench/vendor/ajv.mjs") {
        ajvBundle ??= bundleCommonJs(createRequire(import.meta.url).resolve("ajv"));
        return send(res, 200, TYPES[".mjs"], ajvBundle);
      }
      const file = pathname.includes("\0") ? null : fileFor(decodeURIComponent(pathname));
      const info = file && (await stat(file).catch(() => null));
      if (!info?.isFile()) return send(res, 404, "text/plain", "not found\n");
      send(res, 200, TYPES[extname(file)] ?? "application/octet-stream", await readFile(file));
    } catch (e) {
      if (!res.headersSent) send(res, 500, "text/plain", `internal error: ${e.message}\n`);
      else res.destroy();
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolvePromise({ server, base: `http://${host}:${server.address().port}` }));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { base } = await startServer({ port: Number(process.env.PORT ?? 8081) });
  console.log(`bench server: ${base}/bench/page.html`);
}

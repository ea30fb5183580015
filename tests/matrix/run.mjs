// The environment matrix of SPEC §12, run against the packed tarball (what users install).
//
//   node tests/matrix/run.mjs [FILTER...]     every environment, or those whose id contains a FILTER
//   UPDATE_README=1 node tests/matrix/run.mjs  also rewrite README.md's "Where it runs" table
//
// `npm pack` of pkg/ (built first: scripts/build.sh) is unpacked into tests/matrix/node_modules/
// syncrun; the matrix's own tools are tests/matrix/package.json's, installed with `npm ci`
// (scripts/setup.sh matrix). Each environment is a minimal app under apps/ that prints (or, in a
// page, sets window.FIGURES to) the figures of one bundled sample; this checks them. One line
// per environment: ok or FAILED, its figures or what went wrong; exit 1 on any failure.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import { createServer as netServer } from "node:net";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(HERE, "../..");
const OUT = join(HERE, ".out");
const BIN = join(HERE, "node_modules/.bin");
const PKG = join(HERE, "node_modules/syncrun");
const APPS = join(HERE, "apps");

// The figures of apps/common/sample.js: 5 records (one not JSON, one a duplicate), 3 valid, 2 of
// the 3 terminal runs succeeded; the stream agrees; a bad option throws SyncRunError.
const EXPECTED = { records: 5, valid: 3, successRate: 2 / 3, streamed: 3, merged: "3/1/true", error: "invalid_option" };
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
const QUIET = { NEXT_TELEMETRY_DISABLED: "1", WRANGLER_SEND_METRICS: "false", DO_NOT_TRACK: "1", NO_UPDATE_NOTIFIER: "1", BROWSERSLIST_IGNORE_OLD_DATA: "1", CI: "1" };

// ---------------------------------------------------------------------------------------------
// Helpers

/** Run a command; resolves to its stdout, rejects with its output on a non-zero exit or timeout. */
function sh(cmd, args, { cwd = HERE, env = {}, timeout = 180_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...QUIET, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd.split("/").at(-1)} ${args.join(" ")}: ${signal ? `killed (${signal})` : `exit ${code}`}\n${tail(out + err)}`));
    });
  });
}

const tail = (text, n = 12) => text.trim().split("\n").slice(-n).join("\n");

/** The FIGURES line of a program's output. */
function parse(stdout) {
  const m = /^FIGURES (.*)$/m.exec(stdout);
  if (!m) throw new Error(`no FIGURES line in:\n${tail(stdout)}`);
  return JSON.parse(m[1]);
}

async function freePort() {
  const server = netServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  return port;
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".cjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json" };

/** Serve `dir` as static files on 127.0.0.1 while `use(origin)` runs. */
async function serve(dir, use) {
  const server = createServer((req, res) => {
    let path = join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, "index.html");
    try {
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
    } catch {
      res.writeHead(404).end();
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    return await use(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.close();
  }
}

let browser;
/** Open `url` in headless Chromium and wait for window.FIGURES; any page error fails. */
async function page(url) {
  if (!browser) {
    const { chromium } = await import("playwright-core");
    browser = chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  }
  const context = await (await browser).newContext();
  try {
    const p = await context.newPage();
    const errors = [];
    p.on("console", (m) => m.type() === "error" && errors.push(`${m.text()} (${m.location().url})`));
    p.on("pageerror", (e) => errors.push(String(e)));
    p.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
    p.on("response", (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()}: ${r.url()}`));
    await p.goto(url);
    try {
      await p.waitForFunction(() => window.FIGURES !== undefined, null, { timeout: 30_000 });
    } catch {
      throw new Error(`no window.FIGURES at ${url}${errors.length ? `: ${errors.join("; ")}` : ""}`);
    }
    const figures = await p.evaluate(() => window.FIGURES);
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
    return figures;
  } finally {
    await context.close();
  }
}

/** A long-running server (vite dev, next start, wrangler dev): wait until `ready` is printed. */
async function daemon(cmd, args, ready, { cwd = HERE, env = {} } = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...QUIET, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  const up = new Promise((resolve, reject) => {
    const look = (d) => {
      log += d;
      if (ready.test(log)) resolve();
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    child.on("close", (code) => reject(new Error(`${cmd} exited (${code}) before it was ready:\n${tail(log)}`)));
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  try {
    await up;
  } catch (e) {
    clearTimeout(timer);
    throw e;
  }
  return {
    log: () => log,
    stop() {
      clearTimeout(timer);
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
    },
  };
}

const out = (name) => {
  const dir = join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** A page that loads one script (a bundle): index.html + the bundle in `dir`. */
function scriptPage(dir, script, type = "module") {
  writeFileSync(join(dir, "index.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>syncrun</title></head><body><script${type ? ` type="${type}"` : ""} src="./${script}"></script></body></html>\n`);
}

/** The default entry in a web build fetches the .wasm as a file: the bundler must have emitted it
 * (and not fallen back to the embedded copy, which works but costs a fifth more). */
function emittedWasm(dir) {
  const all = (d) => readdirSync(d, { withFileTypes: true }).flatMap((f) => (f.isDirectory() ? all(join(d, f.name)) : [join(d, f.name)]));
  const files = all(dir);
  if (!files.some((f) => f.endsWith(".wasm"))) throw new Error(`no .wasm emitted in ${dir}`);
  const inlined = files.filter((f) => /\.m?js$/.test(f) && readFileSync(f, "latin1").includes("AGFzbQEAAAAB"));
  if (inlined.length) throw new Error(`the embedded .wasm is in ${inlined.join(", ")}`);
}

const nodeBin = (name) => join(HERE, "node_modules", name, "bin/node");

// ---------------------------------------------------------------------------------------------
// The environments: `where` and `how` are the README table's columns; `entry` is the package
// entry the app imports. Each `run` resolves to figures, or to { ok: detail } for a check.

const NODES = [
  ["node20", "20.19.0"],
  ["node22-11", "22.11.0"],
  ["node22-12", "22.12.0"],
  ["node24", "24.22.3"],
  ["node26", "26.12.1"],
];

const ENVS = [
  ...NODES.flatMap(([dir, version]) => [
    { id: `node-${version}-import`, where: `Node ${version}`, how: "`import`", entry: "syncrun", run: async () => parse(await sh(nodeBin(dir), ["apps/node/esm.mjs"])) },
    { id: `node-${version}-require`, where: `Node ${version}`, how: "`require`", entry: "syncrun", run: async () => parse(await sh(nodeBin(dir), ["apps/node/cjs.cjs"])) },
  ]),
  { id: "bun-import", where: "Bun", how: "`import`", entry: "syncrun", run: async () => parse(await sh(join(BIN, "bun"), ["apps/node/esm.mjs"])) },
  { id: "bun-require", where: "Bun", how: "`require`", entry: "syncrun", run: async () => parse(await sh(join(BIN, "bun"), ["apps/node/cjs.cjs"])) },
  {
    id: "deno-import", where: "Deno", how: "`import`, no permissions (`--no-prompt`)", entry: "syncrun",
    run: async () => parse(await sh(join(BIN, "deno"), ["run", "--no-prompt", "apps/node/esm.mjs"], { env: { DENO_DIR: join(OUT, "deno-cache"), DENO_NO_UPDATE_CHECK: "1" } })),
  },
  {
    id: "workerd-wrangler-dev", where: "Cloudflare Workers (workerd)", how: "`wrangler dev`, fetched on 127.0.0.1", entry: "syncrun",
    run: async () => {
      const [port, inspector] = [await freePort(), await freePort()];
      const dir = out("workerd");
      // wrangler itself needs Node 22.12+: it runs on the matrix's Node 24.
      const server = await daemon(nodeBin("node24"), [join(HERE, "node_modules/wrangler/bin/wrangler.js"), "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--log-level", "info"], /Ready on/, {
        cwd: join(APPS, "workerd"),
        env: { XDG_CONFIG_HOME: dir, WRANGLER_LOG_PATH: dir, HOME: dir },
      });
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        const text = await res.text();
        if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 500)}\n${tail(server.log())}`);
        return parse(text);
      } finally {
        server.stop();
      }
    },
  },
  {
    id: "browser-script-module", where: "Browser (Chromium)", how: "`<script type=\"module\">`, static files", entry: "node_modules/syncrun/browser.js",
    run: () => serve(HERE, (origin) => page(`${origin}/apps/static/`)),
  },
  {
    id: "browser-web-worker", where: "Browser (Chromium)", how: "module Web Worker", entry: "node_modules/syncrun/browser.js",
    run: () => serve(HERE, (origin) => page(`${origin}/apps/worker/`)),
  },
  {
    id: "vite-build", where: "Vite", how: "`vite build`, page", entry: "syncrun",
    run: async () => {
      const dir = out("vite");
      await sh(join(BIN, "vite"), ["build", "--outDir", dir, "--emptyOutDir", "--logLevel", "error"], { cwd: join(APPS, "vite") });
      emittedWasm(dir);
      return serve(dir, (origin) => page(`${origin}/`));
    },
  },
  {
    id: "vite-dev", where: "Vite", how: "`vite` dev server, page", entry: "syncrun",
    run: async () => {
      const port = await freePort();
      const server = await daemon(join(BIN, "vite"), ["--host", "127.0.0.1", "--port", String(port), "--strictPort", "--force"], /ready in/i, {
        cwd: join(APPS, "vite"),
      });
      try {
        return await page(`http://127.0.0.1:${port}/`);
      } finally {
        server.stop();
      }
    },
  },
  {
    id: "vite-ssr-noexternal", where: "Vite", how: "SSR build, `ssr.noExternal`, run in Node", entry: "syncrun",
    run: async () => {
      const dir = out("vite-ssr");
      const config = join(dir, "vite.config.mjs");
      // The app's own SSR settings (an SSR entry, syncrun bundled into it); nothing about wasm.
      writeFileSync(config, `export default { logLevel: "error", ssr: { noExternal: ["syncrun"] }, build: { ssr: ${JSON.stringify(join(APPS, "vite-ssr/entry-server.js"))}, outDir: ${JSON.stringify(join(dir, "dist"))} } };\n`);
      await sh(join(BIN, "vite"), ["build", "--config", config], { cwd: join(APPS, "vite-ssr") });
      return parse(await sh(process.execPath, [join(dir, "dist/entry-server.js")], { cwd: dir }));
    },
  },
  {
    id: "webpack-web", where: "webpack 5", how: "web target, page", entry: "syncrun",
    run: async () => {
      const dir = out("webpack-web");
      await webpack({ target: "web", entry: join(APPS, "bundle/main.js"), output: { path: dir } });
      emittedWasm(dir);
      scriptPage(dir, "main.js", "");
      return serve(dir, (origin) => page(`${origin}/`));
    },
  },
  {
    id: "webpack-web-require", where: "webpack 5", how: "web target, CommonJS `require(\"syncrun\")`", entry: "syncrun",
    run: async () => {
      const dir = out("webpack-web-require");
      await webpack({ target: "web", entry: join(APPS, "bundle/main-require.cjs"), output: { path: dir } });
      scriptPage(dir, "main.js", "");
      return serve(dir, (origin) => page(`${origin}/`));
    },
  },
  {
    id: "webpack-node", where: "webpack 5", how: "node target, run in Node", entry: "syncrun",
    run: async () => {
      const dir = out("webpack-node");
      // webpack's node target writes CommonJS: .cjs, as this folder's package.json says "module".
      await webpack({ target: "node", entry: join(APPS, "node/esm.mjs"), output: { path: dir, filename: "main.cjs" } });
      return parse(await sh(process.execPath, [join(dir, "main.cjs")], { cwd: dir }));
    },
  },
  {
    id: "next-build", where: "Next.js", how: "`next build` (default bundler): server and client components", entry: "syncrun",
    run: async () => {
      const app = join(APPS, "next");
      rmSync(join(app, ".next"), { recursive: true, force: true });
      await sh(join(BIN, "next"), ["build"], { cwd: app, timeout: 300_000 });
      emittedWasm(join(app, ".next/static"));
      const port = await freePort();
      const server = await daemon(join(BIN, "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], /Ready in|started server/i, { cwd: app });
      try {
        const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
        const text = /<pre id="server">(FIGURES [^<]*)<\/pre>/.exec(html)?.[1] ?? html;
        const fromServer = parse(text.replace(/&quot;|&#x27;|&amp;/g, (c) => ({ "&quot;": '"', "&#x27;": "'", "&amp;": "&" })[c]));
        const fromClient = await page(`http://127.0.0.1:${port}/client`);
        if (JSON.stringify(fromServer) !== JSON.stringify(fromClient)) throw new Error(`server ${JSON.stringify(fromServer)} ≠ client ${JSON.stringify(fromClient)}`);
        return fromClient;
      } finally {
        server.stop();
      }
    },
  },
  {
    id: "parcel-build", where: "Parcel 2", how: "`parcel build`, defaults, page", entry: "syncrun",
    run: async () => {
      const dir = out("parcel");
      await sh(join(BIN, "parcel"), ["build", join(APPS, "parcel/index.html"), "--dist-dir", dir, "--cache-dir", join(OUT, "parcel-cache"), "--no-source-maps", "--public-url", "./"], { cwd: join(APPS, "parcel"), timeout: 300_000 });
      emittedWasm(dir);
      return serve(dir, (origin) => page(`${origin}/`));
    },
  },
  {
    id: "parcel-node", where: "Parcel 2", how: "node target (API), run in Node", entry: "syncrun",
    run: async () => {
      const dir = out("parcel-node");
      const { Parcel } = await import("@parcel/core");
      // The app's own target: Node, ES module output, its dependencies bundled in (Parcel leaves
      // node_modules out of a node build by default). Nothing about syncrun or wasm.
      const parcel = new Parcel({
        entries: join(APPS, "node/esm.mjs"), defaultConfig: "@parcel/config-default", mode: "production", shouldDisableCache: true,
        cacheDir: join(OUT, "parcel-node-cache"), logLevel: "error",
        targets: { node: { context: "node", distDir: dir, outputFormat: "esmodule", includeNodeModules: true, engines: { node: ">=20.19" } } },
        defaultTargetOptions: { shouldOptimize: false, sourceMaps: false },
      });
      const { bundleGraph } = await parcel.run();
      const [bundle] = bundleGraph.getBundles();
      return parse(await sh(process.execPath, [bundle.filePath], { cwd: dir }));
    },
  },
  {
    id: "esbuild-browser-esm", where: "esbuild", how: "`--bundle --platform=browser --format=esm`, page", entry: "syncrun/inline",
    run: async () => {
      const dir = out("esbuild-esm");
      await sh(join(BIN, "esbuild"), [join(APPS, "bundle/main-inline.js"), "--bundle", "--platform=browser", "--format=esm", `--outfile=${join(dir, "main.js")}`, "--log-level=warning"]);
      scriptPage(dir, "main.js");
      return serve(dir, (origin) => page(`${origin}/`));
    },
  },
  {
    id: "esbuild-browser-iife", where: "esbuild", how: "`--bundle` (iife), classic `<script>`", entry: "syncrun/inline",
    run: async () => {
      const dir = out("esbuild-iife");
      await sh(join(BIN, "esbuild"), [join(APPS, "bundle/main-inline.js"), "--bundle", `--outfile=${join(dir, "main.js")}`, "--log-level=warning"]);
      scriptPage(dir, "main.js", "");
      return serve(dir, (origin) => page(`${origin}/`));
    },
  },
  {
    id: "esbuild-node-esm", where: "esbuild", how: "`--bundle --platform=node --format=esm`, run in Node", entry: "syncrun",
    run: async () => {
      const dir = out("esbuild-node-esm");
      await sh(join(BIN, "esbuild"), [join(APPS, "node/esm.mjs"), "--bundle", "--platform=node", "--format=esm", `--outfile=${join(dir, "main.mjs")}`, "--log-level=warning"]);
      return parse(await sh(process.execPath, [join(dir, "main.mjs")], { cwd: dir }));
    },
  },
  {
    id: "esbuild-node-cjs", where: "esbuild", how: "`--bundle --platform=node --format=cjs`, run in Node", entry: "syncrun",
    run: async () => {
      const dir = out("esbuild-node-cjs");
      await sh(join(BIN, "esbuild"), [join(APPS, "node/esm.mjs"), "--bundle", "--platform=node", "--format=cjs", `--outfile=${join(dir, "main.cjs")}`, "--log-level=warning"]);
      return parse(await sh(process.execPath, [join(dir, "main.cjs")], { cwd: dir }));
    },
  },
  {
    id: "rollup-node-resolve", where: "Rollup 4", how: "`@rollup/plugin-node-resolve`, page", entry: "syncrun/inline",
    run: async () => {
      const dir = out("rollup");
      const { rollup } = await import("rollup");
      const { nodeResolve } = await import("@rollup/plugin-node-resolve");
      const bundle = await rollup({ input: join(APPS, "bundle/main-inline.js"), plugins: [nodeResolve()], onwarn: (w) => { throw new Error(`rollup: ${w.message}`); } });
      await bundle.write({ file: join(dir, "main.js"), format: "es" });
      await bundle.close();
      scriptPage(dir, "main.js");
      return serve(dir, (origin) => page(`${origin}/`));
    },
  },
  {
    id: "bun-build-browser", where: "`bun build`", how: "browser target, page", entry: "syncrun/inline",
    run: async () => {
      const dir = out("bun-build");
      await sh(join(BIN, "bun"), ["build", join(APPS, "bundle/main-inline.js"), "--outdir", dir]);
      scriptPage(dir, "main-inline.js");
      return serve(dir, (origin) => page(`${origin}/`));
    },
  },
  {
    id: "bun-build-node", where: "`bun build`", how: "`--target=node`, run in Node", entry: "syncrun",
    run: async () => {
      const dir = out("bun-build-node");
      await sh(join(BIN, "bun"), ["build", join(APPS, "node/esm.mjs"), "--target=node", "--outdir", dir]);
      return parse(await sh(process.execPath, [join(dir, "esm.js")], { cwd: dir }));
    },
  },
  ...[
    ["node16", { module: "node16", moduleResolution: "node16" }, ["consumer.ts", "consumer.cts"]],
    ["nodenext", { module: "nodenext", moduleResolution: "nodenext" }, ["consumer.ts", "consumer.cts"]],
    ["bundler", { module: "esnext", moduleResolution: "bundler" }, ["consumer.ts"]],
    ["commonjs-node10", { module: "commonjs", moduleResolution: "node10" }, ["commonjs.ts"]],
    ["node-only-lib", { module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"], types: ["node"] }, ["node-only.ts", "consumer.ts"]],
  ].map(([name, options, files]) => ({
    id: `typescript-${name}`, where: "TypeScript 5.9", how: `strict, ${tsHow(name, options)}`, entry: "syncrun", check: true,
    run: async () => {
      const dir = out(`ts-${name}`);
      const config = {
        compilerOptions: { strict: true, noEmit: true, target: "es2022", skipLibCheck: false, types: [], exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, ...options },
        files: files.map((f) => join(APPS, "ts", f)),
      };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config, null, 2));
      await sh(join(BIN, "tsc"), ["-p", join(dir, "tsconfig.json")]);
      return { ok: `${files.join(" + ")} compile` };
    },
  })),
  {
    id: "tarball-contents", where: "Package linters", how: "the tarball's files, README and LICENSE", entry: "", check: true,
    run: async () => {
      const files = (await sh("tar", ["-tzf", tarball])).trim().split("\n").map((f) => f.replace(/^package\//, ""));
      for (const f of ["package.json", "README.md", "LICENSE", "node.js", "node.cjs", "browser.js", "workerd.js", "index.d.ts", "index.d.cts", "inline/package.json", "glue/api.js", "glue/wasm.js", "glue/syncrun.js", "glue/syncrun_bg.wasm", "cli.js"]) {
        if (!files.includes(f)) throw new Error(`the tarball has no ${f}`);
      }
      const readme = readFileSync(join(PKG, "README.md"), "utf8");
      if (!/^## Where it runs$/m.test(readme) || !readme.includes("^20.19.0 || >=22.12.0")) throw new Error("README.md lacks the Where it runs section or the Node range");
      const broken = [...readme.matchAll(/\]\(([^)\s]+)/g)].map((m) => m[1]).filter((t) => !/^(https?:|#)/.test(t));
      if (broken.length) throw new Error(`README.md links that break on npm: ${broken.join(", ")}`);
      if (!/^MIT License/.test(readFileSync(join(PKG, "LICENSE"), "utf8"))) throw new Error("LICENSE is not the MIT license");
      const meta = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
      if (meta.engines?.node !== "^20.19.0 || >=22.12.0") throw new Error(`engines.node is ${meta.engines?.node}`);
      return { ok: `${files.length} files, README for users, MIT LICENSE, engines ${meta.engines.node}` };
    },
  },
  {
    id: "size-default-entry", where: "Package linters", how: "what the default entry adds to a page over wasm-bindgen's output", entry: "", check: true,
    run: async () => {
      const { browser, glue, inline } = sizes();
      // Issue 13: the default entry's gzipped download may grow by at most 2 KiB. All it adds to
      // wasm-bindgen's glue and .wasm is browser.js and glue/api.js.
      if (browser - glue > 2048) throw new Error(`browser.js + glue/api.js are ${browser - glue} B gzip, over 2 KiB`);
      return { ok: `+${browser - glue} B gzip over the glue and .wasm (${browser} B in all); syncrun/inline ${inline} B` };
    },
  },
  {
    id: "publint-strict", where: "Package linters", how: "`publint --strict` on the tarball", entry: "", check: true,
    run: async () => {
      const text = await sh(join(BIN, "publint"), ["run", tarball, "--strict"]);
      if (/Errors:|Warnings:/.test(text)) throw new Error(tail(text));
      return { ok: "no error or warning" };
    },
  },
  {
    id: "arethetypeswrong", where: "Package linters", how: "`@arethetypeswrong/cli` on the tarball (node10, node16 CJS and ESM, bundler)", entry: "", check: true,
    run: async () => {
      const text = await sh(join(BIN, "attw"), [tarball, "--format", "json", "--no-color"]);
      const report = JSON.parse(text);
      const problems = report.analysis?.problems ?? report.problems ?? [];
      if (problems.length) throw new Error(JSON.stringify(problems).slice(0, 1000));
      const kinds = new Set(Object.values(report.analysis.entrypoints).flatMap((e) => Object.keys(e.resolutions)));
      for (const k of ["node10", "node16-cjs", "node16-esm", "bundler"]) if (!kinds.has(k)) throw new Error(`attw did not check ${k}`);
      return { ok: `no problems in ${Object.keys(report.analysis.entrypoints).length} entry points × ${[...kinds].join(", ")}` };
    },
  },
];

function tsHow(name, options) {
  if (name === "node-only-lib") return "`lib: [\"es2022\"]`, `types: [\"node\"]`, no skipLibCheck";
  if (name === "commonjs-node10") return "`module: commonjs` (node10 resolution)";
  return `\`moduleResolution: ${options.moduleResolution}\`${name === "bundler" ? "" : ", ESM and CJS (.cts)"}`;
}

async function webpack(config) {
  const { default: webpack } = await import("webpack");
  const stats = await new Promise((resolve, reject) =>
    webpack({ mode: "production", devtool: false, ...config, output: { filename: "main.js", ...config.output } }, (e, s) => (e ? reject(e) : resolve(s))),
  );
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
}

// ---------------------------------------------------------------------------------------------
// The package, packed and unpacked as `npm install` would.

let tarball;
async function pack() {
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) if (f.endsWith(".tgz")) rmSync(join(OUT, f));
  // MATRIX_PKG=dir packs another package folder (to see the matrix fail on an older package).
  const dir = process.env.MATRIX_PKG || join(ROOT, "pkg");
  const name = (await sh("npm", ["pack", "--pack-destination", OUT, "--silent"], { cwd: dir })).trim().split("\n").at(-1);
  tarball = join(OUT, name);
  rmSync(PKG, { recursive: true, force: true });
  const tmp = out("unpack");
  await sh("tar", ["-xzf", tarball, "-C", tmp]);
  await sh("mv", [join(tmp, "package"), PKG]);
}

/** Bytes, gzipped (level 9), that a page loads from the default entry and from syncrun/inline. */
function sizes() {
  const gz = (files) => files.reduce((n, f) => n + (existsSync(join(PKG, f)) ? gzipSync(readFileSync(join(PKG, f)), { level: 9 }).length : NaN), 0);
  const snippet = readdirSync(join(PKG, "glue/snippets"))[0];
  const common = ["glue/api.js", "glue/syncrun.js", `glue/snippets/${snippet}/src/js/boundary.js`];
  const glue = gz([...common.slice(1), "glue/syncrun_bg.wasm"]);
  return { browser: gz(["browser.js", ...common, "glue/syncrun_bg.wasm"]), glue, inline: gz(["node.js", ...common, "glue/wasm.js"]) };
}

// ---------------------------------------------------------------------------------------------
// README: the "Where it runs" table is made from ENVS, so it says what this file runs.

function table() {
  const rows = new Map();
  for (const e of ENVS.filter((e) => !e.check || e.where.startsWith("TypeScript"))) {
    if (!rows.has(e.where)) rows.set(e.where, []);
    rows.get(e.where).push(e.entry === "syncrun" ? e.how : `${e.how} (\`${e.entry}\`)`);
  }
  const lines = ["| where | how it is tested (with `syncrun` unless said) |", "|---|---|"];
  for (const [where, hows] of rows) lines.push(`| ${where} | ${hows.join("; ")} |`);
  return lines.join("\n");
}

function checkReadme(results) {
  const path = join(ROOT, "README.md");
  const text = readFileSync(path, "utf8");
  const m = /<!-- where-it-runs:start[^>]*-->\n([\s\S]*?)<!-- where-it-runs:end -->/.exec(text);
  if (!m) return "README.md has no <!-- where-it-runs:start --> … <!-- where-it-runs:end --> block";
  // What README says syncrun/inline costs ("about N KiB") must be within 10% (at least 2 KiB) of
  // what it costs now: a wasm that grows a little does not make README wrong, a lot does.
  const cost = /<!-- inline-cost -->about (\d+) KiB more gzip than the default entry \(about (\d+) KiB instead of (\d+) KiB\)<!-- \/inline-cost -->/.exec(text);
  if (!cost) return "README.md has no <!-- inline-cost --> sentence";
  const { browser: b, inline: i } = sizes();
  const measured = [(i - b) / 1024, i / 1024, b / 1024];
  const said = cost.slice(1).map(Number);
  if (said.some((kib, k) => Math.abs(kib - measured[k]) > Math.max(2, measured[k] / 10))) return `README.md says syncrun/inline costs ${said.join("/")} KiB; measured ${measured.map((x) => x.toFixed(1)).join("/")} KiB (extra/inline/default)`;
  const failed = results.filter((r) => !r.ok).map((r) => r.id);
  if (failed.length) return `the table lists environments that failed here: ${failed.join(", ")}`;
  const want = `${table()}\n`;
  if (m[1] === want) return null;
  if (process.env.UPDATE_README === "1") {
    writeFileSync(path, text.replace(m[0], m[0].replace(`-->\n${m[1]}`, `-->\n${want}`)));
    return null;
  }
  return "README.md's table differs from what the matrix runs (UPDATE_README=1 node tests/matrix/run.mjs rewrites it)";
}

// ---------------------------------------------------------------------------------------------

const filters = process.argv.slice(2);
const chosen = ENVS.filter((e) => filters.length === 0 || filters.some((f) => e.id.includes(f)));
const started = performance.now();
if (!existsSync(join(HERE, "node_modules/.package-lock.json"))) {
  console.error("matrix: tests/matrix/node_modules is missing: run bash scripts/setup.sh matrix (npm ci in tests/matrix)");
  process.exit(1);
}
await pack();
const width = Math.max(...chosen.map((e) => e.id.length));
const results = [];
// Two at a time: this machine has two cores; the builds (Next.js, Parcel) use both anyway.
const queue = [...chosen];
async function worker() {
  for (let e; (e = queue.shift()); ) {
    const t0 = performance.now();
    let result;
    try {
      const got = await e.run();
      if (e.check) result = { ok: true, detail: got.ok };
      else {
        const same = JSON.stringify(got) === JSON.stringify(EXPECTED);
        result = same ? { ok: true, detail: JSON.stringify(got) } : { ok: false, detail: `figures ${JSON.stringify(got)}, expected ${JSON.stringify(EXPECTED)}` };
      }
    } catch (err) {
      result = { ok: false, detail: String(err.message ?? err).replace(/\n/g, "\n      ") };
    }
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`${result.ok ? "ok    " : "FAILED"} ${e.id.padEnd(width)} ${secs.padStart(5)} s  ${result.detail}`);
    results.push({ id: e.id, ...result });
  }
}
await Promise.all([worker(), worker()]);
if (browser) await (await browser).close();

let readmeProblem = null;
if (chosen.length === ENVS.length) {
  readmeProblem = checkReadme(results);
  console.log(`${readmeProblem ? "FAILED" : "ok    "} ${"readme-where-it-runs".padEnd(width)}         ${readmeProblem ?? "README.md's table is what the matrix ran"}`);
}
const failed = results.filter((r) => !r.ok).length + (readmeProblem ? 1 : 0);
const passed = results.length - results.filter((r) => !r.ok).length + (chosen.length === ENVS.length && !readmeProblem ? 1 : 0);
console.log(`matrix: ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

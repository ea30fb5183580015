#!/usr/bin/env node
// Static server of the demo page (`npm run demo` runs it through scripts/demo.sh). No
// dependencies, local files only:
//   /               www/ (the page)
//   /pkg/           pkg/ (the built syncrun package, as a browser would get it from npm)
//   /vendor/uplot/  node_modules/uplot/dist/ (the charting library)
// PORT (default 8080; 0 picks a free one) and HOST (default 127.0.0.1) choose where it listens.

import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// Longest prefix first.
const MOUNTS = [
  ["/vendor/uplot/", join(ROOT, "node_modules", "uplot", "dist")],
  ["/pkg/", join(ROOT, "pkg")],
  ["/", join(ROOT, "www")],
];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".ndjson": "application/x-ndjson; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

// The page loads nothing from elsewhere; the policy makes any attempt fail loudly in the
// console. WebAssembly compilation needs 'wasm-unsafe-eval'.
const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; " +
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-cache",
};

function send(res, status, text, extra = {}) {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8", ...extra });
  res.end(text);
}

/** The file a URL path names, or null when it is outside every mount. */
function fileFor(pathname) {
  for (const [prefix, base] of MOUNTS) {
    if (!pathname.startsWith(prefix)) continue;
    let rel = pathname.slice(prefix.length);
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const file = resolve(base, "." + sep + rel);
    return file === base || file.startsWith(base + sep) ? file : null;
  }
  return null;
}

async function handle(req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    send(res, 405, "method not allowed\n", { Allow: "GET, HEAD" });
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
  } catch {
    send(res, 400, "bad request\n");
    return;
  }
  const file = pathname.includes("\0") ? null : fileFor(pathname);
  const info = file && (await stat(file).catch(() => null));
  if (info?.isDirectory()) {
    send(res, 301, "moved\n", { Location: pathname + "/" });
    return;
  }
  if (!info?.isFile()) {
    send(res, 404, "not found\n");
    return;
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": info.size,
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
}

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST || "127.0.0.1";
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: PORT must be a port number, got ${process.env.PORT}`);
  process.exit(2);
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) send(res, 500, "internal error\n");
    else res.destroy();
  });
});

server.on("error", (e) => {
  console.error(e.code === "EADDRINUSE" ? `serve: port ${port} is in use; run with PORT=<another port>` : `serve: ${e.message}`);
  process.exit(1);
});

server.listen(port, host, () => {
  const shown = host === "127.0.0.1" || host === "::1" || host === "localhost" ? "localhost" : host;
  console.log(`syncrun demo: http://${shown}:${server.address().port}/  (Ctrl+C stops it)`);
});

function stop(signal) {
  console.log(`serve: ${signal}, stopping`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  // Never hang on a stuck connection.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.once("SIGTERM", () => stop("SIGTERM"));
process.once("SIGINT", () => stop("SIGINT"));

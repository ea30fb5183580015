// Node, Bun and Deno entry, and `syncrun/inline` anywhere: the WebAssembly module is embedded
// (base64, in glue/wasm.js) and compiled synchronously, so `import` works with no init call,
// reads no file (Deno needs no --allow-read) and survives any bundler (esbuild, Rollup,
// `bun build`, Vite SSR, Next.js), which has no .wasm file to lose. node.cjs is this file
// bundled as CommonJS (scripts/entries.mjs).
import { initSync } from "./glue/syncrun.js";
import base64 from "./glue/wasm.js";

initSync({ module: decode(base64) });

// Native base64 where there is one: Uint8Array.fromBase64 (recent browsers, Deno, Node 25+),
// Node's and Bun's Buffer (0.3 ms where the loop below takes 3-8 ms in Node 20). `globalThis.`
// so that no bundler sees a free `Buffer` and adds a polyfill to a browser build.
function decode(text) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
  if (typeof globalThis.Buffer === "function") return globalThis.Buffer.from(text, "base64");
  const bytes = atob(text);
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return out;
}

export * from "./glue/api.js";

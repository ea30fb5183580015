// Cloudflare Workers (workerd) entry: a Worker may not compile WebAssembly from bytes at run
// time, and has no import.meta.url; wrangler turns this static .wasm import into a compiled
// WebAssembly.Module when it bundles the Worker.
import { initSync } from "./glue/syncrun.js";
import module from "./glue/syncrun_bg.wasm";

initSync({ module });

export * from "./glue/api.js";

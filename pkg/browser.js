// Browser entry: fetches and compiles the WebAssembly module once, with a top-level await, so
// the functions are ready to call synchronously as soon as the import resolves. Works from a
// plain <script type="module"> served as static files and from bundlers that understand
// `new URL(..., import.meta.url)` (Vite, webpack 5, esbuild with a loader).
import init from "./glue/syncrun.js";

await init({ module_or_path: new URL("./glue/syncrun_bg.wasm", import.meta.url) });

export {
  validateRun,
  normalizeRun,
  summarizeRun,
  normalizeRuns,
  summarizeRuns,
  SummaryStream,
  checkHealth,
  compareHealth,
  formatMetrics,
} from "./glue/syncrun.js";
// SPEC §6, §8: the class of every error thrown (src/js/boundary.js, by way of scripts/build.sh).
export { SyncRunError } from "./glue/error.js";

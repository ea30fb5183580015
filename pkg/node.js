// Node entry: loads the WebAssembly module synchronously, so `import` and `require()` both work
// with no init call (there is no top-level await anywhere in this module graph).
import { readFileSync } from "node:fs";
import { initSync } from "./glue/syncrun.js";

initSync({ module: readFileSync(new URL("./glue/syncrun_bg.wasm", import.meta.url)) });

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

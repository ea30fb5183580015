// `module: commonjs` (moduleResolution node10, the TypeScript default for it): `main`/`types`
// and inline/package.json, which tools that ignore `exports` read (SPEC §12).
import { summarizeRuns, SyncRunError, type BatchSummary, type SyncRunErrorCode } from "syncrun";
import { normalizeRuns } from "syncrun/inline";

const b: BatchSummary = summarizeRuns("[]");
const runs = normalizeRuns("[]").runs;
const code = (e: unknown): SyncRunErrorCode | null => (e instanceof SyncRunError ? e.code : null);
void [b, runs, code];

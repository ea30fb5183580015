// A Node-only project (SPEC §12): no DOM lib, @types/node, no skipLibCheck. The package's
// declarations must name no DOM type (RequestInfo, BufferSource, WebAssembly, Response).
import { readFileSync } from "node:fs";
import { summarizeRuns, SyncRunError, type BatchSummary } from "syncrun";

const summary: BatchSummary = summarizeRuns(readFileSync(process.argv[2] ?? "runs.json"));
const buffer: Buffer = Buffer.from("[]");
const again: BatchSummary = summarizeRuns(buffer);
try {
  summarizeRuns("[]", { maxIssues: -1 });
} catch (e) {
  if (e instanceof SyncRunError) console.error(e.code);
}
void [summary, again];

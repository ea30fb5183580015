// A consumer app bundled by Vite: `import ... from "syncrun"` resolves the package's browser
// export; Vite picks up the .wasm through `new URL(..., import.meta.url)`.
import { summarizeRuns, SummaryStream } from "syncrun";

const run = {
  id: 1, status: "success", createdAt: "2024-05-01T10:00:00Z", startedAt: "2024-05-01T10:00:01Z",
  finishedAt: "2024-05-01T10:00:03Z", completionRatio: 1, querySize: 1,
  plannedRows: { addedCount: 1, changedCount: 0, removedCount: 0 },
  successfulRows: { addedCount: 1, changedCount: 0, removedCount: 0 },
  failedRows: { addedCount: 0, changedCount: 0, removedCount: 0 },
};
const summary = summarizeRuns([run, { ...run, id: 2, status: "failed", error: "boom" }]);
const stream = new SummaryStream();
stream.push(new TextEncoder().encode(JSON.stringify(run)));
const streamed = stream.finish();
window.result = { valid: summary.valid, successRate: summary.successRate, streamed: streamed.valid };
document.getElementById("out").textContent = JSON.stringify(window.result);

// The one sample every app of the matrix summarizes (NDJSON, SPEC §1): two runs that
// succeeded, one that failed, one line that is not JSON, and a duplicate of the first run.
// Expected (run.mjs): records 5, valid 3, successRate 2/3, and a SyncRunError for a bad option.
const run = (id, status, error = null) => JSON.stringify({
  id, status, createdAt: "2024-05-01T10:00:00Z", startedAt: "2024-05-01T10:00:01Z",
  finishedAt: "2024-05-01T10:00:03Z", completionRatio: 1, querySize: 4,
  plannedRows: { addedCount: 4, changedCount: 0, removedCount: 0 },
  successfulRows: { addedCount: status === "success" ? 4 : 0, changedCount: 0, removedCount: 0 },
  failedRows: { addedCount: status === "success" ? 0 : 4, changedCount: 0, removedCount: 0 },
  error,
});
export const SAMPLE = [run(1, "success"), run(2, "failed", "boom"), "{not json", run(3, "success"), run(1, "success")].join("\n") + "\n";

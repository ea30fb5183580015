// figures.js for CommonJS apps (the same code; run.mjs checks both against the same figures).
const SAMPLE = [1, 2, 0, 3, 1].map((id, i) => i === 2 ? "{not json" : JSON.stringify({
  id, status: id === 2 ? "failed" : "success", createdAt: "2024-05-01T10:00:00Z", startedAt: "2024-05-01T10:00:01Z",
  finishedAt: "2024-05-01T10:00:03Z", completionRatio: 1, querySize: 4,
  plannedRows: { addedCount: 4, changedCount: 0, removedCount: 0 },
  successfulRows: { addedCount: id === 2 ? 0 : 4, changedCount: 0, removedCount: 0 },
  failedRows: { addedCount: id === 2 ? 4 : 0, changedCount: 0, removedCount: 0 },
  error: id === 2 ? "boom" : null,
})).join("\n") + "\n";

function figures(api) {
  const summary = api.summarizeRuns(SAMPLE, { format: "ndjson" });
  const stream = new api.SummaryStream();
  for (let at = 0; at < SAMPLE.length; at += 7) stream.push(SAMPLE.slice(at, at + 7));
  const streamed = stream.finish();
  let error = "nothing thrown";
  try {
    api.summarizeRuns(SAMPLE, { maxIssues: "many" });
  } catch (e) {
    error = e instanceof api.SyncRunError ? e.code : `not a SyncRunError: ${e}`;
  }
  return { records: summary.records, valid: summary.valid, successRate: summary.successRate, streamed: streamed.valid, error };
}

module.exports = { SAMPLE, figures, line: (f) => `FIGURES ${JSON.stringify(f)}` };

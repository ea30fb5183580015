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
  // SPEC §7.1: two parts (the later one repeats an id of the earlier), the later saved, loaded
  // and merged: the whole text's valid runs and duplicates, and a loaded stream is a SummaryStream.
  // (As NDJSON: the later part starts with the broken line, which alone would read as one JSON
  // document, and that merge is refused.)
  const cut = SAMPLE.indexOf("\n", SAMPLE.indexOf("\n") + 1) + 1;
  const first = new api.SummaryStream({ format: "ndjson" });
  first.push(SAMPLE.slice(0, cut));
  const later = new api.SummaryStream({ format: "ndjson" });
  later.push(SAMPLE.slice(cut));
  const loaded = api.SummaryStream.load(later.save());
  later.free();
  first.merge(loaded);
  const whole = first.finish();
  const merged = `${whole.valid}/${whole.duplicates}/${loaded instanceof api.SummaryStream}`;
  let error = "nothing thrown";
  try {
    api.summarizeRuns(SAMPLE, { maxIssues: "many" });
  } catch (e) {
    error = e instanceof api.SyncRunError ? e.code : `not a SyncRunError: ${e}`;
  }
  return { records: summary.records, valid: summary.valid, successRate: summary.successRate, streamed: streamed.valid, merged, error };
}

module.exports = { SAMPLE, figures, line: (f) => `FIGURES ${JSON.stringify(f)}` };

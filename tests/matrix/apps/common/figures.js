// What every app prints: the figures of the sample, through the package it was given, and the
// code of the SyncRunError a bad option throws (so that the class is exported and works there).
import { SAMPLE } from "./sample.js";

export function figures(api) {
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

export const line = (f) => `FIGURES ${JSON.stringify(f)}`;

// What every app prints: the figures of the sample, through the package it was given, and the
// code of the SyncRunError a bad option throws (so that the class is exported and works there).
import { SAMPLE } from "./sample.js";

export function figures(api) {
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

export const line = (f) => `FIGURES ${JSON.stringify(f)}`;

// A CommonJS TypeScript module (SPEC §12): under node16/nodenext its imports are `require`
// calls, which must resolve to the package's CommonJS entry and .d.cts (else TS1479).
import { summarizeRuns, SummaryStream, SyncRunError, type BatchSummary, type SyncRunErrorCode } from "syncrun";
import inline = require("syncrun/inline");

const b: BatchSummary = summarizeRuns("[]");
const s = new SummaryStream();
s.push("{}\n");
const streamed: BatchSummary = s.finish();
const viaInline: BatchSummary = inline.summarizeRuns("[]");
const code: SyncRunErrorCode | null = (() => {
  try {
    summarizeRuns("[]", { maxIssues: -1 });
    return null;
  } catch (e) {
    return e instanceof SyncRunError ? e.code : null;
  }
})();
void [b, streamed, viaInline, code];

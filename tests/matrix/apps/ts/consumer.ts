// A strict TypeScript consumer of every export and type of the package (SPEC §8, §12), compiled
// by run.mjs under each moduleResolution (node16, nodenext, bundler) and with a Node-only lib.
// The @ts-expect-error lines prove the types are precise rather than `any`.
import {
  validateRun,
  normalizeRun,
  summarizeRun,
  normalizeRuns,
  summarizeRuns,
  SummaryStream,
  SyncRunError,
  type SyncRunErrorCode,
  type SyncRunInput,
  type SyncRun,
  type SyncRunStatus,
  type RowCounts,
  type Issue,
  type IssueCode,
  type Severity,
  type RunSummary,
  type BatchSummary,
  type Stats,
  type Options,
  type ValidateResult,
  type NormalizeResult,
  type SummarizeResult,
  type NormalizeRunsResult,
} from "syncrun";
import * as inline from "syncrun/inline";

const options: Options = { unknownFields: "keep", warningIsFailure: false, maxIssues: 10, maxBytes: 1 << 20, format: "auto" };
const inputs: SyncRunInput[] = ['{"id": 1}', new Uint8Array([123, 125]), { id: 1 }, [], null];

const v: ValidateResult = validateRun(inputs[0]!, options);
const n: NormalizeResult = normalizeRun({ id: 1 });
const s: SummarizeResult = summarizeRun("{}", { warningIsFailure: true });
const nr: NormalizeRunsResult = normalizeRuns("[]");
const b: BatchSummary = summarizeRuns(new Uint8Array(), { format: "ndjson" });
const same: BatchSummary = inline.summarizeRuns("[]");

const severity: Severity = v.issues[0]?.severity ?? "error";
const code: IssueCode | undefined = v.issues[0]?.code;
const firstIssue: Issue | undefined = nr.issues[0];
const line: number | null = firstIssue ? firstIssue.line : null;

const run: SyncRun | null = n.run;
if (run !== null) {
  const status: SyncRunStatus = run.status;
  const counts: RowCounts = run.plannedRows;
  const total: number = counts.addedCount + counts.changedCount + counts.removedCount;
  // @ts-expect-error startedAt may be null
  const startedLength: number = run.startedAt.length;
  void [status, total, startedLength];
}

const summary: RunSummary | null = s.summary;
const rate: number | null = summary === null ? null : summary.failureRate;
const stats: Stats = b.durationMs;
const p95: number | null = stats.p95;

// @ts-expect-error "completed" is not a status
const wrong: SyncRunStatus = "completed";
// @ts-expect-error unknownFields takes "strip" | "keep" | "error"
const badOptions: Options = { unknownFields: "drop" };

const stream = new SummaryStream({ maxIssues: 5 });
stream.push("{}\n");
stream.push(new Uint8Array([10]));
const streamed: BatchSummary = stream.finish();

function codeOf(e: unknown): SyncRunErrorCode | null {
  if (!(e instanceof SyncRunError)) return null;
  const name: "SyncRunError" = e.name;
  const message: string = e.message;
  void [name, message];
  return e.code;
}
const codes: SyncRunErrorCode[] = ["invalid_option", "unsupported_input", "stream_finished", "invalid_summary", "invalid_state", "api_error"];
// @ts-expect-error "bad_input" is not a SyncRunErrorCode
const badCode: SyncRunErrorCode = "bad_input";
const thrown: Error = new SyncRunError("invalid_option", "maxIssues must be a number");
const sameClass: typeof SyncRunError = inline.SyncRunError;

void [severity, code, line, rate, p95, wrong, badOptions, streamed, inputs, same, codeOf, codes, badCode, thrown, sameClass];

// A strict TypeScript consumer of every export and type of the package (SPEC §8). It only has to
// compile; `tests/js/types.test.mjs` runs `tsc` on it. The @ts-expect-error lines prove the
// types are precise (a wrong status, a missing null check) rather than `any`.
import {
  validateRun,
  normalizeRun,
  summarizeRun,
  normalizeRuns,
  summarizeRuns,
  SummaryStream,
  checkHealth,
  compareHealth,
  formatMetrics,
  NormalizeStream,
  detectFormat,
  runStatuses,
  type BatchFormat,
  type RunStatusInfo,
  type NormalizedChunk,
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
  type LastTerminal,
  type Options,
  type ValidateResult,
  type NormalizeResult,
  type SummarizeResult,
  type NormalizeRunsResult,
  type Health,
  type HealthCheck,
  type HealthStatus,
  type HealthRule,
  type HealthOptions,
  type HealthChange,
  type MetricsOptions,
} from "syncrun";

const options: Options = { unknownFields: "keep", warningIsFailure: false, maxIssues: 10, maxBytes: 1 << 20, format: "auto" };
const inputs: SyncRunInput[] = ['{"id": 1}', new Uint8Array([123, 125]), { id: 1 }, [], null];

const v: ValidateResult = validateRun(inputs[0]!, options);
const n: NormalizeResult = normalizeRun({ id: 1 });
const s: SummarizeResult = summarizeRun("{}", { warningIsFailure: true });
const nr: NormalizeRunsResult = normalizeRuns("[]");
const b: BatchSummary = summarizeRuns(new Uint8Array(), { format: "ndjson" });

const severity: Severity = v.issues[0]?.severity ?? "error";
const code: IssueCode | undefined = v.issues[0]?.code;
const firstIssue: Issue | undefined = nr.issues[0];
const line: number | null = firstIssue ? firstIssue.line : null;

const run: SyncRun | null = n.run;
if (run !== null) {
  const status: SyncRunStatus = run.status;
  const counts: RowCounts = run.plannedRows;
  const total: number = counts.addedCount + counts.changedCount + counts.removedCount;
  const started: string | null = run.startedAt;
  // @ts-expect-error startedAt may be null
  const startedLength: number = run.startedAt.length;
  void [status, total, started, startedLength];
}

const summary: RunSummary | null = s.summary;
const rate: number | null = summary === null ? null : summary.failureRate;
const stats: Stats = b.durationMs;
const p95: number | null = stats.p95;
const streak: number = b.failureStreak;
const byStatus: number = b.byStatus.success + b.byStatus.reporting;
const top = b.topErrors.map((e) => `${e.pattern} ×${e.count} (last: ${e.lastRunId})`);
const days = b.daily.map((d) => `${d.date}: ${d.succeeded}/${d.runs}`);
const latest: SyncRunStatus | undefined = b.latest?.status;
const lastTerminal: LastTerminal | null = b.lastTerminal;
const lastDuration: number | null = lastTerminal === null ? null : lastTerminal.durationMs;
const querySizeP50: number | null = b.querySize.p50;
// @ts-expect-error lastTerminal may be null
const lastTerminalId: string = b.lastTerminal.id;

// @ts-expect-error "completed" is not a status
const wrong: SyncRunStatus = "completed";
// @ts-expect-error unknownFields takes "strip" | "keep" | "error"
const badOptions: Options = { unknownFields: "drop" };

const stream = new SummaryStream({ maxIssues: 5 });
stream.push("{}\n");
stream.push(new Uint8Array([10]));
const streamed: BatchSummary = stream.finish();
stream.free();
const settled: boolean = stream.settled();

// SPEC §7.1: partial summaries, saved, loaded and merged.
const part = new SummaryStream({ maxIssues: 5 });
part.push("{}\n");
const state: Uint8Array = part.save();
const loaded: SummaryStream = SummaryStream.load(state);
loaded.merge(part);
loaded.mergeSaved(state);
const lean = new SummaryStream({ maxIssues: 5, mergeable: false });
// @ts-expect-error mergeable is a boolean
new SummaryStream({ mergeable: "no" });
lean.free();
const merged: BatchSummary = loaded.finish();
// @ts-expect-error load takes the bytes save() gave, not a string
SummaryStream.load("state");
// @ts-expect-error merge takes another SummaryStream
loaded.merge({});

// The additions of issue #15: how a text is read, the statuses' table, normalized runs streamed.
const format: BatchFormat = detectFormat("{}\n{}\n", { format: "auto" });
// @ts-expect-error detectFormat answers "json" | "ndjson", never "auto"
const auto: "auto" = detectFormat("[]");
const statuses: RunStatusInfo[] = runStatuses();
const firstStatus: SyncRunStatus | undefined = statuses[0]?.status;
const terminal: boolean | undefined = statuses[0]?.terminal;
const runsStream = new NormalizeStream({ maxIssues: 10, unknownFields: "keep" });
const chunk: NormalizedChunk = runsStream.push(new Uint8Array([123, 125, 10]));
const firstRun: SyncRun | undefined = chunk.runs[0];
const chunkIssues: Issue[] = chunk.issues;
const readAs: BatchFormat | null = runsStream.format;
const runsSettled: boolean = runsStream.settled();
const rest: NormalizeRunsResult = runsStream.finish();
runsStream.free();

// SPEC §9, §9.3, §10.
const healthOptions: HealthOptions = { now: "2024-06-01T12:00:00Z", rules: { freshness: { warning: 3_600_000 }, volume: false } };
const health: Health = checkHealth(b, healthOptions);
const judgedNow: Health = checkHealth(streamedLater(), { now: 1717243200000 });
const overallStatus: HealthStatus = health.status;
const firstCheck: HealthCheck | undefined = health.checks[0];
const rule: HealthRule | undefined = firstCheck?.rule;
const checkValue: number | null = firstCheck === undefined ? null : firstCheck.value;
const changes: HealthChange[] = compareHealth(null, health);
const changed: HealthRule | "overall" | undefined = changes[0]?.rule;
const metricsOptions: MetricsOptions = { labels: { sync: "orders", env: "prod" }, health };
const metrics: string = formatMetrics(b, metricsOptions);
// @ts-expect-error "latency" is not a rule
const badRule: HealthOptions = { rules: { latency: false } };
// @ts-expect-error a rule is false or thresholds, not true
const badSetting: HealthOptions = { rules: { duration: true } };
// @ts-expect-error "fine" is not a health status
const badStatus: HealthStatus = "fine";
// @ts-expect-error label values are strings
const badLabels: MetricsOptions = { labels: { sync: 1 } };

function streamedLater(): BatchSummary {
  return summarizeRuns("[]");
}

void [judgedNow, overallStatus, rule, checkValue, changed, metrics, badRule, badSetting, badStatus, badLabels];
void [severity, code, line, rate, p95, streak, byStatus, top, days, latest, lastDuration, querySizeP50, lastTerminalId, wrong, badOptions, streamed, inputs];
void [settled, format, auto, firstStatus, terminal, firstRun, chunkIssues, readAs, runsSettled, rest];

// SPEC §6: SyncRunError, with its code union.
import { SyncRunError, type SyncRunErrorCode } from "syncrun";
try {
  stream.push("{}");
} catch (e) {
  if (e instanceof SyncRunError) {
    const errorCode: SyncRunErrorCode = e.code;
    const status: number | null | undefined = e.status;
    // @ts-expect-error "bad_code" is not a SyncRunErrorCode
    const wrongCode: SyncRunErrorCode = "bad_code";
    void [errorCode, status, wrongCode];
  }
}

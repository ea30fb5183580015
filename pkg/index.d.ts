// The package's types: re-exported from the declarations wasm-bindgen and tsify generate from
// the Rust types (pkg/glue/syncrun.d.ts). Nothing is declared here by hand.
// The generated classes declare `[Symbol.dispose]` (for `using`); this brings its lib in, so that
// consumers compiling for ES2022 or earlier need no `lib` setting and no skipLibCheck.
/// <reference lib="esnext.disposable" />
export {
  validateRun,
  normalizeRun,
  summarizeRun,
  normalizeRuns,
  summarizeRuns,
  SummaryStream,
  checkHealth,
  compareHealth,
  formatMetrics,
} from "./glue/syncrun.js";
export type {
  SyncRunInput,
  SyncRun,
  SyncRunStatus,
  RowCounts,
  Issue,
  IssueCode,
  Severity,
  RunSummary,
  BatchSummary,
  Stats,
  Rows,
  RowTotals,
  ByStatus,
  Latest,
  LastSuccess,
  LastFailure,
  LastTerminal,
  TopError,
  Daily,
  Options,
  UnknownFields,
  Format,
  ValidateResult,
  NormalizeResult,
  SummarizeResult,
  NormalizeRunsResult,
  Health,
  HealthCheck,
  HealthStatus,
  HealthRule,
  HealthOptions,
  HealthChange,
  HealthChangeKind,
  MetricsOptions,
} from "./glue/syncrun.js";

/** Every `code` a `SyncRunError` can have (SPEC §6). */
export type SyncRunErrorCode = "invalid_option" | "unsupported_input" | "stream_finished" | "invalid_summary" | "invalid_state" | "api_error";

/** The class of every error the package throws (SPEC §6): misuse, or (`api_error`) a failed API read. Bad data is never thrown. */
export declare class SyncRunError extends Error {
  constructor(code: SyncRunErrorCode, message: string);
  readonly name: "SyncRunError";
  readonly code: SyncRunErrorCode;
  /** `api_error` only (SPEC §11): the last HTTP status, or null when no response came (network error). */
  readonly status?: number | null;
  /** `api_error` only (SPEC §11): the `offset` of the page that could not be read. */
  readonly offset?: number;
}

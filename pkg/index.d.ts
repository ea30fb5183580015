// The package's types: re-exported from the declarations wasm-bindgen and tsify generate from
// the Rust types (pkg/glue/syncrun.d.ts). Nothing is declared here by hand.
// The generated classes declare `[Symbol.dispose]` (for `using`); this brings its lib in, so that
// consumers compiling for ES2022 or earlier need no `lib` setting and no skipLibCheck.
/// <reference lib="esnext.disposable" />
export { validateRun, normalizeRun, summarizeRun, normalizeRuns, summarizeRuns, SummaryStream } from "./glue/syncrun.js";
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
} from "./glue/syncrun.js";

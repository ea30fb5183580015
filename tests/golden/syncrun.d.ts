/* tslint:disable */
/* eslint-disable */

/** JSON text, UTF-8 bytes of JSON text, or an already parsed JSON value (SPEC §1). */
export type SyncRunInput = string | Uint8Array | Record<string, unknown> | unknown[] | number | boolean | null;


/**
 * A judgement: `"ok"`, `"warning"`, `"critical"` or `"unknown"`.
 */
export type HealthStatus = "ok" | "warning" | "critical" | "unknown";

/**
 * A normalized run (SPEC §2): all 11 keys in contract order, then kept unknown keys.
 */
export type SyncRun = { id: string; status: SyncRunStatus; createdAt: string; startedAt: string | null; finishedAt: string | null; completionRatio: number; querySize: number; plannedRows: RowCounts; successfulRows: RowCounts; failedRows: RowCounts; error: string | null } & { [key: string]: unknown };

/**
 * A rule of SPEC §9.1.
 */
export type HealthRule = "failure_streak" | "success_rate" | "freshness" | "row_failure_rate" | "duration" | "volume";

/**
 * An alert: a rule (or `"overall"`) whose status changed between two judgements (SPEC §9.3).
 */
export interface HealthChange {
    /**
     * A rule's name, or `"overall"` for the overall status.
     */
    rule: HealthRule | "overall";
    from: HealthStatus;
    to: HealthStatus;
    change: HealthChangeKind;
    /**
     * The current check's message; for `"overall"`, a sentence naming the worst checks.
     */
    message: string;
}

/**
 * Counts of a whole batch, as in `NormalizeRunsResult`.
 */
export interface RecordCounts {
    records: number;
    valid: number;
    invalid: number;
    duplicates: number;
    hasMore: boolean | null;
    errorCount: number;
    warningCount: number;
}

/**
 * Counts of one kind of rows, with their total.
 */
export interface RowTotals {
    added: number;
    changed: number;
    removed: number;
    total: number;
}

/**
 * Distribution of a duration in milliseconds (or of query sizes); all null but `count` when
 * `count` is 0.
 */
export interface Stats {
    count: number;
    min: number | null;
    p50: number | null;
    p90: number | null;
    p95: number | null;
    p99: number | null;
    max: number | null;
    mean: number | null;
}

/**
 * Figures of a batch (SPEC §5).
 */
export interface BatchSummary {
    records: number;
    valid: number;
    invalid: number;
    duplicates: number;
    hasMore: boolean | null;
    byStatus: ByStatus;
    terminal: number;
    inProgress: number;
    succeeded: number;
    failed: number;
    /**
     * `succeeded / terminal`; null when no run is terminal.
     */
    successRate: number | null;
    rows: Rows;
    attemptedRows: number;
    skippedRows: number;
    /**
     * Failed rows / attempted rows; null when nothing was attempted.
     */
    failureRate: number | null;
    durationMs: Stats;
    queuedMs: Stats;
    firstCreatedAt: string | null;
    lastCreatedAt: string | null;
    latest: Latest | null;
    lastSuccess: LastSuccess | null;
    lastFailure: LastFailure | null;
    /**
     * Consecutive not-succeeded terminal runs, counted back from the most recent terminal run.
     */
    failureStreak: number;
    topErrors: TopError[];
    daily: Daily[];
    /**
     * The most recent terminal run; null when no valid run is terminal.
     */
    lastTerminal: LastTerminal | null;
    /**
     * Over every valid run's `querySize`.
     */
    querySize: Stats;
    errorCount: number;
    warningCount: number;
    issues: Issue[];
    issuesTruncated: boolean;
}

/**
 * Figures of one valid run (SPEC §4).
 */
export interface RunSummary {
    id: string;
    status: SyncRunStatus;
    terminal: boolean;
    succeeded: boolean;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    /**
     * `finishedAt − startedAt`; null if either is null or the difference is negative.
     */
    durationMs: number | null;
    /**
     * `startedAt − createdAt`; null if either is null or the difference is negative.
     */
    queuedMs: number | null;
    rows: Rows;
    /**
     * `successful.total + failed.total`.
     */
    attemptedRows: number;
    /**
     * Σ over operations of max(planned − successful − failed, 0).
     */
    skippedRows: number;
    /**
     * `failed.total / attemptedRows`; null when nothing was attempted.
     */
    failureRate: number | null;
    /**
     * `attemptedRows / (durationMs / 1000)`; null when the duration is null or 0.
     */
    rowsPerSecond: number | null;
    completionRatio: number;
    querySize: number;
    error: string | null;
    /**
     * The run's warnings.
     */
    issues: Issue[];
}

/**
 * How batch text is read (SPEC §1).
 */
export type Format = "auto" | "json" | "ndjson";

/**
 * One group of error messages that differ only in their digits.
 */
export interface TopError {
    /**
     * The message with every run of ASCII digits replaced by `#`.
     */
    pattern: string;
    count: number;
    lastMessage: string;
    lastRunId: string;
}

/**
 * One problem found in the input (SPEC §3).
 */
export interface Issue {
    /**
     * `"error"` makes the run invalid; `"warning"` keeps it valid.
     */
    severity: Severity;
    /**
     * Stable machine-readable code.
     */
    code: IssueCode;
    /**
     * RFC 6901 JSON Pointer into the input document (`""` for the whole input).
     */
    path: string;
    /**
     * For people; may change between versions.
     */
    message: string;
    /**
     * 1-based line in the input text, where known (always for `invalid_json`, and for every
     * issue of an NDJSON record).
     */
    line: number | null;
    /**
     * 1-based column (in Unicode code points) in the input text, where known.
     */
    column: number | null;
}

/**
 * One rule's judgement.
 */
export interface HealthCheck {
    rule: HealthRule;
    status: HealthStatus;
    /**
     * The rule's value (SPEC §9.1); null when it cannot be computed.
     */
    value: number | null;
    warning: number;
    critical: number;
    /**
     * For people: the value and what it was judged against. May change between versions.
     */
    message: string;
}

/**
 * Options of `checkHealth` (SPEC §9). In Rust, `now` is already resolved to milliseconds (the
 * core reads no clock: the caller gives the current time when the JS options omit it) and
 * `rules` are the rules in effect.
 */
export interface HealthOptions {
    /**
     * The instant health is judged at: a timestamp (SPEC §2.2) or milliseconds since
     * 1970-01-01T00:00:00Z (a fraction is dropped); omitted, the current time.
     */
    now?: string | number;
    /**
     * Per rule, `false` to leave it out, or thresholds replacing its defaults (a threshold given
     * alone is paired with the other's default).
     */
    rules?: { [rule in HealthRule]?: false | { warning?: number; critical?: number } };
}

/**
 * Options of `formatMetrics` (SPEC §10).
 */
export interface MetricsOptions {
    /**
     * Label name → value added to every sample, first in each label set, in this order. Names
     * match `[a-zA-Z_][a-zA-Z0-9_]*`, do not start with `__`, and are not `status`, `kind`,
     * `quantile` or `rule`.
     */
    labels?: Record<string, string>;
    /**
     * A judgement from `checkHealth` to include as `syncrun_health_status`.
     */
    health?: Health;
}

/**
 * Options of every function; each reads the ones that apply to it (SPEC §8).
 */
export interface Options {
    /**
     * `"strip"` (default), `"keep"` or `"error"`.
     */
    unknownFields?: UnknownFields;
    /**
     * Count `warning` runs as not succeeded (default false).
     */
    warningIsFailure?: boolean;
    /**
     * At most this many issues in `issues` (default 1000); counts stay complete.
     */
    maxIssues?: number;
    /**
     * Inputs longer than this many bytes are `input_too_large` (default 256 MiB).
     */
    maxBytes?: number;
    /**
     * `"auto"` (default), `"json"` or `"ndjson"`.
     */
    format?: Format;
}

/**
 * Planned, successful and failed rows.
 */
export interface Rows {
    planned: RowTotals;
    successful: RowTotals;
    failed: RowTotals;
}

/**
 * Result of `normalizeRun`.
 */
export interface NormalizeResult {
    valid: boolean;
    /**
     * The normalized run; null when the run is invalid.
     */
    run: SyncRun | null;
    issues: Issue[];
}

/**
 * Result of `normalizeRuns`.
 */
export interface NormalizeRunsResult {
    /**
     * The valid, de-duplicated runs, in input order.
     */
    runs: SyncRun[];
    records: number;
    valid: number;
    invalid: number;
    duplicates: number;
    hasMore: boolean | null;
    errorCount: number;
    warningCount: number;
    issues: Issue[];
    issuesTruncated: boolean;
}

/**
 * Result of `summarizeRun`.
 */
export interface SummarizeResult {
    valid: boolean;
    /**
     * The run's figures; null when the run is invalid.
     */
    summary: RunSummary | null;
    issues: Issue[];
}

/**
 * Result of `validateRun`.
 */
export interface ValidateResult {
    /**
     * No error issue.
     */
    valid: boolean;
    issues: Issue[];
}

/**
 * Row counts of one kind (`plannedRows`, `successfulRows`, `failedRows`), normalized.
 */
export type RowCounts = { addedCount: number; changedCount: number; removedCount: number } & { [key: string]: unknown };

/**
 * Runs per status; all nine keys always present.
 */
export interface ByStatus {
    success: number;
    warning: number;
    failed: number;
    cancelled: number;
    interrupted: number;
    queued: number;
    querying: number;
    processing: number;
    reporting: number;
}

/**
 * Stable machine-readable issue codes (SPEC §3.1, §3.2). Messages may change; codes may not.
 */
export type IssueCode = "invalid_json" | "invalid_utf8" | "duplicate_key" | "invalid_type" | "missing_field" | "invalid_id" | "unknown_status" | "invalid_timestamp" | "invalid_number" | "unknown_field" | "input_too_large" | "started_before_created" | "finished_before_started" | "rows_exceed_planned" | "success_with_failed_rows" | "failed_without_error" | "finished_while_in_progress" | "duplicate_id";

/**
 * The judgement of a summary (SPEC §9).
 */
export interface Health {
    /**
     * The worst check (SPEC §9.2).
     */
    status: HealthStatus;
    /**
     * One per rule turned on, in the order of SPEC §9.1's table.
     */
    checks: HealthCheck[];
}

/**
 * The most recent run.
 */
export interface Latest {
    id: string;
    status: SyncRunStatus;
    createdAt: string;
}

/**
 * The most recent succeeded run.
 */
export interface LastSuccess {
    id: string;
    createdAt: string;
    finishedAt: string | null;
}

/**
 * The most recent terminal run that did not succeed.
 */
export interface LastFailure {
    id: string;
    status: SyncRunStatus;
    createdAt: string;
    finishedAt: string | null;
    error: string | null;
}

/**
 * The most recent terminal run, succeeded or not (SPEC §5; §9 judges it).
 */
export interface LastTerminal {
    id: string;
    status: SyncRunStatus;
    createdAt: string;
    finishedAt: string | null;
    /**
     * As in the run's summary (SPEC §4).
     */
    durationMs: number | null;
    querySize: number;
    attemptedRows: number;
    /**
     * `rows.failed.total` of the run.
     */
    failedRows: number;
    /**
     * `failedRows / attemptedRows`; null when nothing was attempted.
     */
    failureRate: number | null;
}

/**
 * The nine statuses of SPEC §2.1.
 */
export type SyncRunStatus = "success" | "warning" | "failed" | "cancelled" | "interrupted" | "queued" | "querying" | "processing" | "reporting";

/**
 * Valid runs of one UTC day of `createdAt`.
 */
export interface Daily {
    /**
     * `YYYY-MM-DD`.
     */
    date: string;
    runs: number;
    succeeded: number;
    failed: number;
    attemptedRows: number;
    failedRows: number;
}

/**
 * What a [`HealthChange`] is (SPEC §9.3).
 */
export type HealthChangeKind = "raised" | "escalated" | "eased" | "resolved";

/**
 * What a `RecordStream` hands out: runs found since the last call, as NDJSON, and issues.
 */
export interface RecordBatch {
    /**
     * Valid, de-duplicated runs in the canonical shape, one JSON object per line.
     */
    runs: string;
    issues: Issue[];
    /**
     * The batch's counts; only in the last batch (from `finish`).
     */
    counts: RecordCounts | null;
}

/**
 * What to do with keys the contract does not know (SPEC §2).
 */
export type UnknownFields = "strip" | "keep" | "error";

/**
 * Whether an issue makes its run invalid (SPEC §3).
 */
export type Severity = "error" | "warning";


/**
 * For the command-line tool (not part of the package's API): a batch read in chunks whose
 * normalized runs (as NDJSON text) and issues are handed out as soon as they are found.
 */
export class RecordStream {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The rest, with the batch's counts.
     */
    finish(): RecordBatch;
    constructor(options?: Options);
    /**
     * Take the next chunk; returns `{ runs: string, issues: Issue[] }` found so far and not yet handed out.
     */
    push(chunk: string | Uint8Array): RecordBatch;
}

/**
 * Summarize NDJSON (or any batch text) that arrives in chunks (SPEC §7): `finish()` gives what
 * `summarizeRuns` gives on the whole text. Memory stays bounded by the longest line. Call
 * `free()` (or use `using`) to release a stream you abandon; otherwise the garbage collector does.
 */
export class SummaryStream {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The summary of everything pushed. The stream cannot be used after this.
     */
    finish(): BatchSummary;
    /**
     * A stream from the bytes of `save()`: push more, merge or finish it. Bytes from another
     * version of the package, truncated or corrupted, are `invalid_state`.
     */
    static load(bytes: Uint8Array): SummaryStream;
    /**
     * Append `other`'s state as if its chunks had been pushed after this stream's (SPEC §7.1):
     * parts of one NDJSON text split between lines; `other` (made with `partial` or `load`) is
     * finished by it. Streams made with other options are `invalid_option`; parts that cannot
     * be merged exactly are `invalid_state` (both streams then stay as they were).
     */
    merge(other: SummaryStream): void;
    /**
     * A new stream; `options` as for `summarizeRuns`.
     */
    constructor(options?: Options);
    /**
     * A stream whose state can be saved (`save()`) or merged after another (`merge`) (SPEC
     * §7.1); `options` as for `summarizeRuns`. It keeps about 50 bytes per run for that, which
     * `new SummaryStream()` does not.
     */
    static partial(options?: Options): SummaryStream;
    /**
     * Take the next chunk: a string or UTF-8 bytes, cut anywhere (even inside a character).
     */
    push(chunk: string | Uint8Array): void;
    /**
     * The stream's state as bytes, for `SummaryStream.load` in this or another process of the
     * same package version (SPEC §7.1); the stream (made with `partial` or `load`) stays usable.
     */
    save(): Uint8Array;
}

/**
 * Judge a `BatchSummary` (from `summarizeRuns` or `SummaryStream.finish()`, or read back from
 * JSON) against the health rules (SPEC §9). A value that is not a summary is `invalid_summary`;
 * bad `now` or `rules` are `invalid_option`.
 */
export function checkHealth(summary: BatchSummary, options?: HealthOptions): Health;

/**
 * The alerts between two judgements of `checkHealth` (SPEC §9.3): one per rule whose status
 * changed, then `"overall"`. `previous` may be null (nothing judged before).
 */
export function compareHealth(previous: Health | null, current: Health): HealthChange[];

/**
 * A `BatchSummary` in the Prometheus text exposition format 0.0.4 (SPEC §10), with `labels`
 * on every sample and, given `health`, `syncrun_health_status`.
 */
export function formatMetrics(summary: BatchSummary, options?: MetricsOptions): string;

/**
 * Check one run and give it in the canonical shape (SPEC §2).
 */
export function normalizeRun(input: SyncRunInput, options?: Options): NormalizeResult;

/**
 * Check a batch (array, `{data, hasMore}` envelope, NDJSON or one run) and give its valid,
 * de-duplicated runs in the canonical shape, in input order (SPEC §1, §8).
 */
export function normalizeRuns(input: SyncRunInput, options?: Options): NormalizeRunsResult;

/**
 * Check one run and give its figures (SPEC §4).
 */
export function summarizeRun(input: SyncRunInput, options?: Options): SummarizeResult;

/**
 * Check a batch and give its figures (SPEC §5).
 */
export function summarizeRuns(input: SyncRunInput, options?: Options): BatchSummary;

/**
 * Check one run (SPEC §2, §3). Bad data is reported in `issues`, never thrown.
 */
export function validateRun(input: SyncRunInput, options?: Options): ValidateResult;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_recordstream_free: (a: number, b: number) => void;
    readonly __wbg_summarystream_free: (a: number, b: number) => void;
    readonly checkHealth: (a: any, b: number) => [number, number, number];
    readonly compareHealth: (a: any, b: any) => [number, number, number];
    readonly formatMetrics: (a: any, b: number) => [number, number, number, number];
    readonly normalizeRun: (a: any, b: number) => [number, number, number];
    readonly normalizeRuns: (a: any, b: number) => [number, number, number];
    readonly recordstream_finish: (a: number) => [number, number, number];
    readonly recordstream_new: (a: number) => [number, number, number];
    readonly recordstream_push: (a: number, b: any) => [number, number, number];
    readonly summarizeRun: (a: any, b: number) => [number, number, number];
    readonly summarizeRuns: (a: any, b: number) => [number, number, number];
    readonly summarystream_finish: (a: number) => [number, number, number];
    readonly summarystream_load: (a: any) => [number, number, number];
    readonly summarystream_merge: (a: number, b: number) => [number, number];
    readonly summarystream_new: (a: number) => [number, number, number];
    readonly summarystream_partial: (a: number) => [number, number, number];
    readonly summarystream_push: (a: number, b: any) => [number, number];
    readonly summarystream_save: (a: number) => [number, number, number];
    readonly validateRun: (a: any, b: number) => [number, number, number];
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;

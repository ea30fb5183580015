/* tslint:disable */
/* eslint-disable */

/**
 * The options of a `SummaryStream`: those of `summarizeRuns`, and `mergeable`. With
 * `mergeable: false` the stream keeps no ledger of its runs (about 44 bytes a run, SPEC §7.1):
 * `save()` and merging it after another stream are then `invalid_state`; it can still take
 * other streams merged after it. For one reader of a long input that is never shared.
 */
export type StreamOptions = Options & { mergeable?: boolean };



/** How a batch text is read (SPEC §1). */
export type BatchFormat = "json" | "ndjson";

/** One status of SPEC §2.1 and what it means. */
export interface RunStatusInfo {
    status: SyncRunStatus;
    /** The run has ended (success, warning, failed, cancelled, interrupted). */
    terminal: boolean;
    /** The run counts as succeeded: success and warning (warning not, with the option `warningIsFailure`). */
    succeeded: boolean;
}

/** What `NormalizeStream.push` completed: valid, de-duplicated runs and the issues found. */
export interface NormalizedChunk {
    runs: SyncRun[];
    issues: Issue[];
}

/** What `NormalizeStream.pushText` completed: the same runs as NDJSON text, ready to write. */
export interface NormalizedText {
    /** Each run's JSON text (as `JSON.stringify` writes it) and a line feed; `""` for none. */
    runs: string;
    issues: Issue[];
}



/** JSON text, UTF-8 bytes of JSON text, or an already parsed JSON value (SPEC §1). */
export type SyncRunInput = string | Uint8Array | Record<string, unknown> | unknown[] | number | boolean | null;

/** The `code` of a SyncRunError (SPEC §6): which misuse it reports. */
export type SyncRunErrorCode = "invalid_option" | "unsupported_input" | "stream_finished" | "invalid_summary" | "invalid_state" | "api_error";


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
    /**
     * The rule's status in the previous judgement; `unknown` when it was null or lacked the rule.
     */
    from: HealthStatus;
    /**
     * The rule's status in the current judgement.
     */
    to: HealthStatus;
    /**
     * How the status changed: `raised`, `escalated`, `eased` or `resolved`.
     */
    change: HealthChangeKind;
    /**
     * The current check's message; for `"overall"`, a sentence naming the worst checks.
     */
    message: string;
}

/**
 * Counts of one kind of rows, with their total.
 */
export interface RowTotals {
    /**
     * Rows of the `added` operation.
     */
    added: number;
    /**
     * Rows of the `changed` operation.
     */
    changed: number;
    /**
     * Rows of the `removed` operation.
     */
    removed: number;
    /**
     * `added + changed + removed`.
     */
    total: number;
}

/**
 * Distribution of a duration in milliseconds (or of query sizes); all null but `count` when
 * `count` is 0.
 */
export interface Stats {
    /**
     * How many values the figures are over.
     */
    count: number;
    /**
     * The smallest value; null when `count` is 0.
     */
    min: number | null;
    /**
     * SPEC §5: the 50th percentile (nearest rank); null when `count` is 0.
     */
    p50: number | null;
    /**
     * SPEC §5: the 90th percentile (nearest rank); null when `count` is 0.
     */
    p90: number | null;
    /**
     * SPEC §5: the 95th percentile (nearest rank); null when `count` is 0.
     */
    p95: number | null;
    /**
     * SPEC §5: the 99th percentile (nearest rank); null when `count` is 0.
     */
    p99: number | null;
    /**
     * The largest value; null when `count` is 0.
     */
    max: number | null;
    /**
     * The float sum divided by `count`, unrounded (SPEC §5); null when `count` is 0.
     */
    mean: number | null;
}

/**
 * Figures of a batch (SPEC §5).
 */
export interface BatchSummary {
    /**
     * Records read: `valid + invalid + duplicates`.
     */
    records: number;
    /**
     * Valid runs that enter the figures, duplicates left out.
     */
    valid: number;
    /**
     * Records with at least one error issue.
     */
    invalid: number;
    /**
     * Valid runs whose id an earlier valid run had (`duplicate_id`, SPEC §3.2).
     */
    duplicates: number;
    /**
     * The envelope's `hasMore`; null without an envelope or when it is not a boolean (SPEC §5).
     */
    hasMore: boolean | null;
    /**
     * Valid runs per status, all nine keys (SPEC §2.1).
     */
    byStatus: ByStatus;
    /**
     * Valid runs whose status is terminal.
     */
    terminal: number;
    /**
     * Valid runs still in progress (`queued`, `querying`, `processing`, `reporting`).
     */
    inProgress: number;
    /**
     * Valid runs that succeeded (SPEC §2.1).
     */
    succeeded: number;
    /**
     * Terminal runs that did not succeed: `terminal − succeeded`.
     */
    failed: number;
    /**
     * `succeeded / terminal`; null when no run is terminal.
     */
    successRate: number | null;
    /**
     * Rows of every valid run, summed per kind and operation.
     */
    rows: Rows;
    /**
     * `rows.successful.total + rows.failed.total`.
     */
    attemptedRows: number;
    /**
     * Skipped rows of every valid run, summed (SPEC §4).
     */
    skippedRows: number;
    /**
     * Failed rows / attempted rows; null when nothing was attempted.
     */
    failureRate: number | null;
    /**
     * Run durations in ms (`finishedAt − startedAt`) over the runs that have one.
     */
    durationMs: Stats;
    /**
     * Queue times in ms (`startedAt − createdAt`) over the runs that have one.
     */
    queuedMs: Stats;
    /**
     * The earliest `createdAt` of the valid runs, canonical; null when there are none.
     */
    firstCreatedAt: string | null;
    /**
     * The latest `createdAt` of the valid runs, canonical; null when there are none.
     */
    lastCreatedAt: string | null;
    /**
     * The most recent valid run (by `createdAt`, ties to the later input); null when there are none.
     */
    latest: Latest | null;
    /**
     * The most recent succeeded run; null when none succeeded.
     */
    lastSuccess: LastSuccess | null;
    /**
     * The most recent terminal run that did not succeed; null when there is none.
     */
    lastFailure: LastFailure | null;
    /**
     * Consecutive not-succeeded terminal runs, counted back from the most recent terminal run.
     */
    failureStreak: number;
    /**
     * At most 10 groups of error messages, by count descending, then pattern (SPEC §5).
     */
    topErrors: TopError[];
    /**
     * Per UTC day of `createdAt`, ascending.
     */
    daily: Daily[];
    /**
     * The most recent terminal run; null when no valid run is terminal.
     */
    lastTerminal: LastTerminal | null;
    /**
     * Over every valid run's `querySize`.
     */
    querySize: Stats;
    /**
     * Error issues over all records, never truncated.
     */
    errorCount: number;
    /**
     * Warning issues over all records, never truncated.
     */
    warningCount: number;
    /**
     * The issues in input order, at most option `maxIssues` (default 1000).
     */
    issues: Issue[];
    /**
     * Whether issues were left out of `issues` because of `maxIssues`.
     */
    issuesTruncated: boolean;
}

/**
 * Figures of one valid run (SPEC §4).
 */
export interface RunSummary {
    /**
     * The normalized id (SPEC §2: a string; an integer id as its decimal digits).
     */
    id: string;
    /**
     * The lowercase status (SPEC §2.1).
     */
    status: SyncRunStatus;
    /**
     * Whether the status is terminal (SPEC §2.1).
     */
    terminal: boolean;
    /**
     * Whether the run counts as succeeded (SPEC §2.1; `warning` not with `warningIsFailure`).
     */
    succeeded: boolean;
    /**
     * Canonical `createdAt` (SPEC §2.2).
     */
    createdAt: string;
    /**
     * Canonical `startedAt`; null when the run has none (queued or cancelled, SPEC §2).
     */
    startedAt: string | null;
    /**
     * Canonical `finishedAt`; null when the run has none (in progress, SPEC §2).
     */
    finishedAt: string | null;
    /**
     * `finishedAt − startedAt`; null if either is null or the difference is negative.
     */
    durationMs: number | null;
    /**
     * `startedAt − createdAt`; null if either is null or the difference is negative.
     */
    queuedMs: number | null;
    /**
     * Planned, successful and failed rows, each with its total (SPEC §4).
     */
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
    /**
     * The run's `completionRatio`, in [0, 1] (`-0` written as `0`).
     */
    completionRatio: number;
    /**
     * The run's `querySize`: rows the sync's query returned.
     */
    querySize: number;
    /**
     * The error message trimmed of white space; null when missing, null or blank (SPEC §2).
     */
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
    /**
     * How many valid runs have an error message of this pattern.
     */
    count: number;
    /**
     * The message of the group's most recent run (SPEC §5 "most recent").
     */
    lastMessage: string;
    /**
     * The id of the group's most recent run.
     */
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
    /**
     * The rule this check judges (SPEC §9.1).
     */
    rule: HealthRule;
    /**
     * The check's judgement: `critical` past `critical`, else `warning` past `warning`, else
     * `ok`; `unknown` when the value cannot be computed (SPEC §9.1).
     */
    status: HealthStatus;
    /**
     * The rule's value (SPEC §9.1); null when it cannot be computed.
     */
    value: number | null;
    /**
     * The warning threshold in effect (the default or the option's).
     */
    warning: number;
    /**
     * The critical threshold in effect (the default or the option's).
     */
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
    /**
     * Rows planned (the run's `plannedRows`, SPEC §2).
     */
    planned: RowTotals;
    /**
     * Rows synced (the run's `successfulRows`).
     */
    successful: RowTotals;
    /**
     * Rows rejected (the run's `failedRows`).
     */
    failed: RowTotals;
}

/**
 * Result of `normalizeRun`.
 */
export interface NormalizeResult {
    /**
     * No error issue.
     */
    valid: boolean;
    /**
     * The normalized run; null when the run is invalid.
     */
    run: SyncRun | null;
    /**
     * The run's warnings when valid; its errors (no warnings) when invalid.
     */
    issues: Issue[];
}

/**
 * Result of `normalizeRuns`.
 */
export interface NormalizeRunsResult extends RecordCounts {
    /**
     * The valid, de-duplicated runs, in input order.
     */
    runs: SyncRun[];
    /**
     * The issues in input order, at most option `maxIssues` (default 1000, SPEC §5).
     */
    issues: Issue[];
    /**
     * Whether issues were left out of `issues` because of `maxIssues`.
     */
    issuesTruncated: boolean;
}

/**
 * Result of `summarizeRun`.
 */
export interface SummarizeResult {
    /**
     * No error issue.
     */
    valid: boolean;
    /**
     * The run's figures; null when the run is invalid.
     */
    summary: RunSummary | null;
    /**
     * The run's warnings when valid; its errors (no warnings) when invalid.
     */
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
    /**
     * The run's warnings when valid; its errors (no warnings) when invalid (SPEC §3.2, §3.3).
     */
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
    /**
     * Runs with status `success`.
     */
    success: number;
    /**
     * Runs with status `warning`.
     */
    warning: number;
    /**
     * Runs with status `failed`.
     */
    failed: number;
    /**
     * Runs with status `cancelled`.
     */
    cancelled: number;
    /**
     * Runs with status `interrupted`.
     */
    interrupted: number;
    /**
     * Runs with status `queued`.
     */
    queued: number;
    /**
     * Runs with status `querying`.
     */
    querying: number;
    /**
     * Runs with status `processing`.
     */
    processing: number;
    /**
     * Runs with status `reporting`.
     */
    reporting: number;
}

/**
 * Stable machine-readable issue codes (SPEC §3.1, §3.2). Messages may change; codes may not.
 */
export type IssueCode = "invalid_json" | "invalid_utf8" | "duplicate_key" | "invalid_type" | "missing_field" | "invalid_id" | "unknown_status" | "invalid_timestamp" | "invalid_number" | "unknown_field" | "input_too_large" | "started_before_created" | "finished_before_started" | "rows_exceed_planned" | "success_with_failed_rows" | "failed_without_error" | "finished_while_in_progress" | "duplicate_id";

/**
 * The counts of a batch (SPEC §5, §8): how its records went, and how many issues it had in
 * all (never truncated). One type wherever they appear: the engine's tally, the members of
 * `NormalizeRunsResult`, a `RecordStream`'s last batch (and a `BatchSummary`'s `counts()`).
 */
export interface RecordCounts {
    /**
     * Records read: `valid + invalid + duplicates`.
     */
    records: number;
    /**
     * Valid runs, duplicates left out.
     */
    valid: number;
    /**
     * Records with at least one error.
     */
    invalid: number;
    /**
     * Valid runs whose id an earlier valid run had.
     */
    duplicates: number;
    /**
     * The envelope's `hasMore`; null without an envelope or when it is not a boolean.
     */
    hasMore: boolean | null;
    /**
     * Error issues over all records.
     */
    errorCount: number;
    /**
     * Warning issues over all records.
     */
    warningCount: number;
}

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
    /**
     * The run's normalized id.
     */
    id: string;
    /**
     * The run's status.
     */
    status: SyncRunStatus;
    /**
     * The run's canonical `createdAt`.
     */
    createdAt: string;
}

/**
 * The most recent succeeded run.
 */
export interface LastSuccess {
    /**
     * The run's normalized id.
     */
    id: string;
    /**
     * The run's canonical `createdAt`.
     */
    createdAt: string;
    /**
     * The run's canonical `finishedAt` (what §9's `freshness` rule measures from); null when it has none.
     */
    finishedAt: string | null;
}

/**
 * The most recent terminal run that did not succeed.
 */
export interface LastFailure {
    /**
     * The run's normalized id.
     */
    id: string;
    /**
     * The run's status: `failed`, `cancelled`, `interrupted`, or `warning` with `warningIsFailure`.
     */
    status: SyncRunStatus;
    /**
     * The run's canonical `createdAt`.
     */
    createdAt: string;
    /**
     * The run's canonical `finishedAt`; null when it has none.
     */
    finishedAt: string | null;
    /**
     * The run's error message (trimmed); null when it has none.
     */
    error: string | null;
}

/**
 * The most recent terminal run, succeeded or not (SPEC §5; §9 judges it).
 */
export interface LastTerminal {
    /**
     * The run's normalized id.
     */
    id: string;
    /**
     * The run's status (one of the five terminal ones, SPEC §2.1).
     */
    status: SyncRunStatus;
    /**
     * The run's canonical `createdAt`.
     */
    createdAt: string;
    /**
     * The run's canonical `finishedAt`; null when it has none.
     */
    finishedAt: string | null;
    /**
     * As in the run's summary (SPEC §4).
     */
    durationMs: number | null;
    /**
     * The run's `querySize` (what §9's `volume` rule compares with `querySize.p50`).
     */
    querySize: number;
    /**
     * `successful.total + failed.total` of the run (SPEC §4).
     */
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
    /**
     * Valid runs created that day.
     */
    runs: number;
    /**
     * Of those, runs that succeeded (SPEC §2.1).
     */
    succeeded: number;
    /**
     * Of those, terminal runs that did not succeed.
     */
    failed: number;
    /**
     * Attempted rows (successful + failed) of the day's runs.
     */
    attemptedRows: number;
    /**
     * Failed rows (`rows.failed.total`) of the day's runs.
     */
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
    /**
     * The issues found since the last call, in input order (a `RecordStream` keeps every issue).
     */
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
 * Normalized runs of a batch text that arrives in chunks (SPEC §7, §2): each `push` hands out
 * the valid, de-duplicated runs and the issues its chunk completed, and `finish()` the rest
 * with the counts of the whole text; together they are what `normalizeRuns` gives on the
 * concatenated text (`maxIssues` bounds the issues handed out in all), except that `maxBytes`
 * bounds each record, as for `SummaryStream` (SPEC §3.1). Memory stays bounded by the longest
 * record plus a few bytes per run (ids, for duplicates). Call `free()` (or use `using`) to
 * release a stream you abandon.
 */
export class NormalizeStream {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * No more chunks: the runs and issues not handed out yet, with the counts of the whole
     * text (the shape of `normalizeRuns`' result). The stream cannot be used after this.
     */
    finish(): NormalizeRunsResult;
    /**
     * A new stream; `options` as for `normalizeRuns`.
     */
    constructor(options?: Options);
    /**
     * As `push`, with the runs as NDJSON text (each run's JSON and a line feed, `""` for none)
     * rather than objects: for a reader that passes runs on as text (a file, a socket), with
     * no object made and written again per run.
     */
    pushText(chunk: string | Uint8Array): NormalizedText;
    /**
     * Take the next chunk (a string or UTF-8 bytes, cut anywhere) and hand out the runs and
     * issues it completed.
     */
    push(chunk: string | Uint8Array): NormalizedChunk;
    /**
     * Whether more chunks can no longer change the result: the text, one document, is already
     * longer than `maxBytes`, and nothing more is read (a reader may stop reading).
     */
    settled(): boolean;
    /**
     * How the text is read (SPEC §1): `"json"` or `"ndjson"`, `null` while the text so far
     * cannot tell (`format: "auto"`, before the first non-blank line and the start of another
     * have arrived) or when the text was refused before it was read.
     */
    readonly format: BatchFormat | null;
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
     * A stream in the state `save()` returned (SPEC §7.1): more chunks may be pushed, it may
     * be merged or finished. Bytes saved by another version of the package, or corrupted, are
     * a SyncRunError `invalid_state`.
     */
    static load(bytes: Uint8Array): SummaryStream;
    /**
     * `merge(SummaryStream.load(bytes))` in less memory: the saved runs go straight into this
     * stream, never into a stream of their own (SPEC §7.1's reduce step, for many saved parts).
     * The same errors as `load` and `merge`.
     */
    mergeSaved(bytes: Uint8Array): void;
    /**
     * Append `other`'s state, as if its chunks had been pushed after this stream's, the two
     * texts split at a line boundary (SPEC §7.1): its issues move by this stream's records and
     * lines, ids seen in both are duplicates (the earlier counts), `maxIssues` applies to the
     * merged list. `other` is finished by it. Both must have the same options
     * (`invalid_option`); a merge that cannot be exact (a part read as one JSON document, not
     * NDJSON lines) is `invalid_state`. On an error neither stream changes.
     */
    merge(other: SummaryStream): void;
    /**
     * A new stream; `options` as for `summarizeRuns`, and `mergeable` (SPEC §7.1).
     */
    constructor(options?: StreamOptions);
    /**
     * Take the next chunk: a string or UTF-8 bytes, cut anywhere (even inside a character).
     */
    push(chunk: string | Uint8Array): void;
    /**
     * The stream's state as bytes (SPEC §7.1), for `SummaryStream.load` in another worker,
     * process or machine running this version of the package. The stream goes on as before.
     */
    save(): Uint8Array;
    /**
     * Whether more chunks can no longer change the result: the text, one document, is already
     * longer than `maxBytes`, and nothing more is read (a reader may stop reading).
     */
    settled(): boolean;
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
 * How the batch functions read `input` (SPEC §1): `"ndjson"` when it is text with more than
 * one non-blank line whose first non-blank line is a complete JSON value, else `"json"` (one
 * value: an array, an envelope or a run); what `options.format` forces when it is not
 * `"auto"`. A parsed value is `"json"`. Text longer than `maxBytes` is not read (the batch
 * functions report `input_too_large`) and is `"json"`; bytes that are not UTF-8 are judged by
 * their valid start. Throws, as the batch functions do, only on misuse (SPEC §6).
 */
export function detectFormat(input: SyncRunInput, options?: Options): BatchFormat;

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
 * The nine statuses of SPEC §2.1 in its order, each with whether it is terminal and whether
 * it counts as succeeded (by default: with `warningIsFailure`, `warning` does not).
 */
export function runStatuses(): RunStatusInfo[];

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
    readonly __wbg_normalizestream_free: (a: number, b: number) => void;
    readonly __wbg_summarystream_free: (a: number, b: number) => void;
    readonly checkHealth: (a: any, b: number) => [number, number, number];
    readonly compareHealth: (a: any, b: any) => [number, number, number];
    readonly detectFormat: (a: any, b: number) => [number, number, number];
    readonly formatMetrics: (a: any, b: number) => [number, number, number, number];
    readonly normalizeRun: (a: any, b: number) => [number, number, number];
    readonly normalizeRuns: (a: any, b: number) => [number, number, number];
    readonly normalizestream_finish: (a: number) => [number, number, number];
    readonly normalizestream_format: (a: number) => any;
    readonly normalizestream_new: (a: number) => [number, number, number];
    readonly normalizestream_push: (a: number, b: any) => [number, number, number];
    readonly normalizestream_pushText: (a: number, b: any) => [number, number, number];
    readonly normalizestream_settled: (a: number) => number;
    readonly runStatuses: () => [number, number, number];
    readonly streamSettled: (a: number) => number;
    readonly summarizeRun: (a: any, b: number) => [number, number, number];
    readonly summarizeRuns: (a: any, b: number) => [number, number, number];
    readonly summarystream_finish: (a: number) => [number, number, number];
    readonly summarystream_load: (a: any) => [number, number, number];
    readonly summarystream_merge: (a: number, b: number) => [number, number];
    readonly summarystream_mergeSaved: (a: number, b: any) => [number, number];
    readonly summarystream_new: (a: number) => [number, number, number];
    readonly summarystream_push: (a: number, b: any) => [number, number];
    readonly summarystream_save: (a: number) => [number, number, number, number];
    readonly summarystream_settled: (a: number) => number;
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

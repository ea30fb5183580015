// `syncrun/hightouch`: a sync's runs read from the Hightouch REST API (SPEC §11), for Node.
// Declared without DOM or @types/node names, so that it compiles under any `lib`.

/** What `fetchRuns` needs of an `AbortSignal` (Node's and the DOM's both fit). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: any;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** Options of `fetchRuns` (SPEC §11). */
export interface FetchRunsOptions {
  /** The sync whose runs are read: `GET {baseUrl}/syncs/{syncId}/runs`. */
  syncId: string | number;
  /** The workspace's API key, sent as `Authorization: Bearer …` and never written anywhere else. Default: `process.env.HIGHTOUCH_API_KEY`. */
  apiKey?: string | undefined;
  /** Default: `process.env.HIGHTOUCH_API_URL`, else `https://api.hightouch.com/api/v1`. */
  baseUrl?: string | undefined;
  /** Only runs started after this instant (an RFC 3339 timestamp with an offset, SPEC §2.2): the API's `after`. */
  since?: string | undefined;
  /** Stop after this many runs (a whole number, at least 1). Default: every run. */
  maxRuns?: number | undefined;
  /** Aborting it rejects the iteration with the signal's reason within a second, even during a back-off or a pending request. */
  signal?: AbortSignalLike | undefined;
}

/**
 * The runs of one sync, in the order the API serves them: one `Uint8Array` per page,
 * holding that page's runs as NDJSON lines (empty for a page with no runs), ready for
 * `SummaryStream.push`. Requests are `limit=100&offset=0, 100, …&orderBy=createdAt` until a page
 * has `hasMore: false` (or none) or `maxRuns` runs were read; never more than 200 in any 10 s;
 * a 429, a 5xx or a network error (no answer within 60 s included) is retried up to 5 times
 * (back-off 1, 2, 4, 8, 16 s, or the `Retry-After` seconds).
 *
 * Options of the wrong kind throw a `SyncRunError` with code `invalid_option` at once. A failed
 * read rejects the iteration with a `SyncRunError` (exported by `syncrun`) with code
 * `api_error`, `status` (the last HTTP status, or null) and `offset` (the page's, or null when no
 * request was made, as when there is no API key).
 */
export declare function fetchRuns(options: FetchRunsOptions): AsyncIterableIterator<Uint8Array>;

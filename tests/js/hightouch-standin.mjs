// A stand-in for the Hightouch REST API's `GET /syncs/{syncId}/runs`, on 127.0.0.1 only, for the
// tests of SPEC §11. Written from Hightouch's published API description (the OpenAPI document
// their SDKs are generated from: ListSyncRunsRequest, ListSyncRuns200ApplicationJSON,
// ValidateErrorJSON):
//   query: limit (default 5 there), offset, orderBy (id | createdAt | startedAt | finishedAt),
//          after / before (ISO timestamps, on startedAt), within (minutes, on startedAt), runId;
//   200:   { data: SyncRun[], hasMore: boolean };  401 without a good Bearer key;  404 for an
//          unknown sync;  422 { message, details } for a bad parameter.
// Newest runs first (a run created while a client pages lands at the head, so offsets shift).
// Runs are made from their index when a page is served, so 250,000 of them cost no memory.
// Faults are scripted per request by the test (`fault`), and every request is logged with the
// time it arrived, so tests can check the 200-requests-per-10-s window.
import { createServer } from "node:http";

const BASE_MS = Date.parse("2024-05-01T00:00:00Z");
const STATUSES = ["success", "success", "success", "warning", "failed", "success", "cancelled", "success", "interrupted", "success"];
const ORDER_BY = ["id", "createdAt", "startedAt", "finishedAt"];
const ISO = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Run number `i` of a sync (0 = the oldest): about 400 bytes of JSON, like the API's runs. */
export function makeRun(i) {
  const status = STATUSES[i % STATUSES.length];
  const created = BASE_MS + i * 60_000;
  const failed = status === "failed" || status === "warning" ? (i % 7) + 1 : 0;
  return {
    id: String(5_000_000 + i),
    status,
    createdAt: new Date(created).toISOString(),
    startedAt: new Date(created + 1_000 + (i % 13) * 100).toISOString(),
    finishedAt: new Date(created + 30_000 + (i % 29) * 1_000).toISOString(),
    completionRatio: 1,
    querySize: 1_000 + (i % 50),
    plannedRows: { addedCount: 100, changedCount: 20, removedCount: 0 },
    successfulRows: { addedCount: 100 - failed, changedCount: 20, removedCount: 0 },
    failedRows: { addedCount: failed, changedCount: 0, removedCount: 0 },
    error: status === "failed" ? `HTTP 503 from destination after ${(i % 4) + 1} retries` : null,
  };
}

/**
 * Starts the stand-in. `syncs`: { [syncId]: { count, run?(i), cache? } } (run defaults to makeRun; it
 * may return any JSON value, to serve invalid runs; `cache: true` serves a page's text again
 * from memory when it is asked for again). `key`: the one Bearer key accepted.
 * `fault(request)`: called for every authenticated request to a known sync with
 * `{ n, syncId, query, sync }` (n counts from 1); it may return
 *   { status, body?, headers? }      answer that instead (429, 5xx, 200 with a bad body, ...)
 *   { drop: true }                  send the headers and half the page, then drop the connection
 *   { delayMs }                     answer normally after a pause
 *   { hang: true }                  never answer
 * and it may change `sync.count` first (runs created at the head while the client pages).
 * Resolves to { url, requests, close(), maxInWindow(ms) }; `requests` lists
 * { at (performance.now() ms), path, query, status, ms (the stand-in's time to answer) }.
 */
export async function startStandin({ syncs, key = "standin-key-0123456789", fault = () => undefined } = {}) {
  const requests = [];
  const hanging = new Set();
  const server = createServer((req, res) => {
    const at = performance.now();
    const url = new URL(req.url, "http://127.0.0.1");
    const entry = { at, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0, ms: null };
    requests.push(entry);
    const send = (status, body, headers = {}) => {
      entry.status = status;
      const text = typeof body === "string" ? body : JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
      res.end(text);
      entry.ms = performance.now() - at;
    };
    const m = /^\/syncs\/([^/]+)\/runs$/.exec(url.pathname);
    if (req.method !== "GET" || !m) return send(404, { message: "Not found" });
    if (req.headers.authorization !== `Bearer ${key}`) return send(401, { message: "Unauthorized" });
    const syncId = decodeURIComponent(m[1]);
    const sync = Object.hasOwn(syncs, syncId) ? syncs[syncId] : null;
    if (!sync) return send(404, { message: `Sync ${syncId} not found` });
    const query = parseQuery(url.searchParams);
    if (query.error) return send(422, { message: "Validation failed", details: query.error });
    const action = fault({ n: requests.length, syncId, query, sync }) ?? {};
    if (action.hang) {
      entry.status = -1;
      hanging.add(res);
      return;
    }
    const answer = () => {
      if (action.status !== undefined) return send(action.status, action.body ?? { message: `HTTP ${action.status}` }, action.headers);
      const text = pageText(sync, query);
      if (!action.drop) return send(200, text);
      entry.status = -200;
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.write(text.slice(0, text.length >> 1), () => res.socket.destroy());
    };
    if (action.delayMs) setTimeout(answer, action.delayMs);
    else answer();
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    requests,
    /** The most requests that arrived in any window of `ms` (half-open: [t, t + ms)). */
    maxInWindow(ms = 10_000) {
      const t = requests.map((r) => r.at).sort((a, b) => a - b);
      let best = 0;
      for (let i = 0, j = 0; j < t.length; j++) {
        while (t[j] - t[i] >= ms) i++;
        best = Math.max(best, j - i + 1);
      }
      return best;
    },
    close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The query as the API reads it, or { error: details } (a 422). */
function parseQuery(params) {
  const q = { limit: 5, offset: 0, orderBy: "id", after: null, before: null, within: null, runId: null };
  const error = {};
  const number = (name, min) => {
    if (!params.has(name)) return null;
    const v = Number(params.get(name));
    if (params.get(name).trim() === "" || !Number.isFinite(v) || v < min) error[name] = `must be a number >= ${min}`;
    return v;
  };
  q.limit = number("limit", 1) ?? q.limit;
  q.offset = number("offset", 0) ?? q.offset;
  q.within = number("within", 0);
  q.runId = number("runId", 0);
  if (params.has("orderBy")) {
    q.orderBy = params.get("orderBy");
    if (!ORDER_BY.includes(q.orderBy)) error.orderBy = `must be one of ${ORDER_BY.join(", ")}`;
  }
  for (const name of ["after", "before"]) {
    if (!params.has(name)) continue;
    const v = params.get(name);
    if (!ISO.test(v) || Number.isNaN(Date.parse(v))) error[name] = "must be an ISO 8601 timestamp";
    else q[name] = Date.parse(v);
  }
  return Object.keys(error).length > 0 ? { error } : q;
}

/**
 * A page's JSON text. A sync with `cache: true` keeps the texts it served (keyed by its count and
 * the query), so that a speed test measures the client, not the stand-in's run making.
 */
function pageText(sync, query) {
  if (!sync.cache) return JSON.stringify(page(sync, query));
  sync.texts ??= new Map();
  const key = `${sync.count} ${JSON.stringify(query)}`;
  let text = sync.texts.get(key);
  if (text === undefined) sync.texts.set(key, (text = JSON.stringify(page(sync, query))));
  return text;
}

/** One page, newest first. Without filters the runs are found by arithmetic, not a scan. */
function page(sync, q) {
  const make = sync.run ?? makeRun;
  const filtered = q.after !== null || q.before !== null || q.within !== null || q.runId !== null;
  let indices;
  if (!filtered) {
    const first = sync.count - 1 - q.offset;
    const n = Math.max(0, Math.min(q.limit, first + 1));
    indices = Array.from({ length: n }, (_, k) => first - k);
    return { data: indices.map(make), hasMore: first + 1 - n > 0 };
  }
  const since = q.within === null ? null : Date.now() - q.within * 60_000;
  const all = [];
  for (let i = sync.count - 1; i >= 0; i--) {
    const run = make(i);
    const started = Date.parse(run?.startedAt);
    if (q.after !== null && !(started > q.after)) continue;
    if (q.before !== null && !(started < q.before)) continue;
    if (since !== null && !(started >= since)) continue;
    if (q.runId !== null && String(run?.id) !== String(q.runId)) continue;
    all.push(run);
  }
  return { data: all.slice(q.offset, q.offset + q.limit), hasMore: q.offset + q.limit < all.length };
}

// `syncrun/hightouch`: a sync's runs read from the Hightouch REST API, page by page, as NDJSON
// chunks for a SummaryStream (SPEC §11). The global fetch, no dependencies (the CLI hands in node:http).
//
// Pacing and retries are SPEC §11's: never more than 200 requests in any 10 s window; a 429, a
// 5xx or a network error (a connection dropped mid-body included) is retried up to 5 times
// with back-off 1, 2, 4, 8, 16 s, a `Retry-After` in seconds replacing the back-off for that
// wait. The API key goes into the Authorization header and nowhere else: every message this
// module makes is scrubbed of it, in case a server or the network layer echoes it.
import { SyncRunError } from "./node.js";

const DEFAULT_BASE_URL = "https://api.hightouch.com/api/v1";
const PAGE_SIZE = 100;
const MAX_ATTEMPTS = 6;
const BACKOFF_MS = [1000, 2000, 4000, 8000, 16000];
const WINDOW_REQUESTS = 200;
const WINDOW_MS = 10_000;
/** Kept between the window's edge and the next request, for timer and clock granularity. */
const WINDOW_MARGIN_MS = 25;
/** A request (answer and body) that takes longer is a network error, retried like one. */
const REQUEST_TIMEOUT_MS = 60_000;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;
const SYNC_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The real clock. Tests hand their own to `fetchRuns` through the internal, undocumented `_clock`
 * option (and shorten the request timeout with `_timeoutMs`), so that the back-off sequence is
 * checked without sleeping through it; what ships is SPEC §11's waits.
 */
const realClock = {
  now: () => performance.now(),
  /** Resolves after `ms`, or rejects with the signal's reason as soon as it is aborted. */
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/**
 * The HTTP client: `get(url, headers, signal)` resolves when the answer's head is in, to
 * `{ status, header(name), body() }`, `body()` to the whole body as text. The global fetch here;
 * the command line hands in node:http's (pkg/http.js, the internal `_get` option), which costs a
 * fresh process a third of the CPU per request.
 */
async function fetchGet(url, headers, signal) {
  const res = await fetch(url, { headers, signal });
  return { status: res.status, header: (name) => res.headers.get(name), body: () => res.text() };
}

function invalidOption(message) {
  return new SyncRunError("invalid_option", message);
}

/** A failed read (SPEC §6, §11): code `api_error`, the last HTTP status (null when none came) and the page's offset. */
function apiError(message, status, offset) {
  const e = new SyncRunError("api_error", message);
  e.status = status;
  e.offset = offset;
  return e;
}

/** A §2.2 timestamp: the shape, a date that exists, hours 00-23, no leap second, offset hours 00-23. */
function isTimestamp(text) {
  const m = TIMESTAMP.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, month, 0); // day 0 of the next month (no two-digit-year quirk)
  if (day > lastDay.getUTCDate()) return false;
  return m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
}

function readOptions(options) {
  if (options === null || typeof options !== "object") throw invalidOption("fetchRuns needs an options object: { syncId, apiKey?, baseUrl?, since?, maxRuns?, signal? }");
  const env = globalThis.process?.env ?? {};
  const { syncId, since, maxRuns, signal, _clock, _timeoutMs, _get } = options;
  let id;
  if (typeof syncId === "number" && Number.isSafeInteger(syncId) && syncId >= 0) id = String(syncId);
  else if (typeof syncId === "string" && SYNC_ID.test(syncId)) id = syncId;
  else throw invalidOption("syncId must be a sync's id: a whole number, or 1-128 letters, digits, '.', '_' or '-'");
  let apiKey = options.apiKey ?? env.HIGHTOUCH_API_KEY;
  if (apiKey !== undefined && typeof apiKey !== "string") throw invalidOption("apiKey must be a string");
  // A key pasted from a file or a terminal often brings a newline along.
  apiKey = apiKey?.trim();
  const baseText = options.baseUrl ?? (env.HIGHTOUCH_API_URL || DEFAULT_BASE_URL);
  let base;
  try {
    base = new URL(baseText);
  } catch {
    base = null;
  }
  if (base === null || (base.protocol !== "http:" && base.protocol !== "https:") || base.username || base.password) {
    const from = options.baseUrl === undefined ? "HIGHTOUCH_API_URL" : "baseUrl";
    throw invalidOption(`${from} must be an http:// or https:// URL without a user name or password`);
  }
  if (since !== undefined && (typeof since !== "string" || !isTimestamp(since))) {
    throw invalidOption("since must be an RFC 3339 timestamp with an offset, such as 2024-05-01T00:00:00Z (SPEC §2.2)");
  }
  if (maxRuns !== undefined && !(Number.isSafeInteger(maxRuns) && maxRuns >= 1)) throw invalidOption("maxRuns must be a whole number of at least 1");
  if (signal !== undefined && !(signal && typeof signal.aborted === "boolean" && typeof signal.addEventListener === "function")) {
    throw invalidOption("signal must be an AbortSignal");
  }
  return {
    id,
    apiKey,
    base: base.href.replace(/\/+$/, ""),
    since,
    maxRuns: maxRuns ?? Infinity,
    signal,
    clock: _clock ?? realClock,
    timeoutMs: _timeoutMs ?? REQUEST_TIMEOUT_MS,
    get: _get ?? fetchGet,
  };
}

/**
 * The runs of one sync, one chunk per page: that page's runs as NDJSON lines (each `data[i]`
 * written back with JSON.stringify, so the same JSON values the API sent), ready for
 * `SummaryStream.push`. A page with no runs is an empty chunk, so the chunks count the pages.
 * Throws `invalid_option` at once for options of the wrong kind; everything that goes wrong with
 * the API rejects the iteration with `api_error`; an aborted `signal` rejects it with its reason.
 */
export function fetchRuns(options) {
  return pages(readOptions(options));
}

async function* pages(o) {
  const { clock } = o;
  // Aborted when the caller's signal is, and when the caller stops iterating (return()).
  const inner = new AbortController();
  const onAbort = () => inner.abort(o.signal.reason);
  if (o.signal) {
    if (o.signal.aborted) throw o.signal.reason;
    o.signal.addEventListener("abort", onAbort, { once: true });
  }
  const scrub = (text) => (o.apiKey ? String(text).replaceAll(o.apiKey, "[API key]") : String(text));
  const sent = []; // when the last WINDOW_REQUESTS requests' answers began (clock ms), oldest first
  const encoder = new TextEncoder();

  /** Waits until one more request keeps every 10 s window at 200 or fewer (SPEC §11). */
  async function pace() {
    if (sent.length < WINDOW_REQUESTS) return;
    const wait = sent[0] + WINDOW_MS + WINDOW_MARGIN_MS - clock.now();
    if (wait > 0) await clock.sleep(wait, inner.signal);
    sent.shift();
  }

  /** Aborted: the caller's reason, however the abort reached us (fetch, a body read, a sleep). */
  const aborted = () => inner.signal.aborted;

  /** One page: its runs (parsed) and whether the API has more, after up to 6 requests. */
  async function page(offset) {
    let url = `${o.base}/syncs/${encodeURIComponent(o.id)}/runs?limit=${PAGE_SIZE}&offset=${offset}&orderBy=createdAt`;
    if (o.since !== undefined) url += `&after=${encodeURIComponent(o.since)}`;
    let last = "";
    let lastStatus = null;
    for (let attempt = 1; ; attempt++) {
      await pace();
      let res;
      let text;
      let body = "";
      let retryAfter = null;
      // One signal for the request and its body, aborted by the caller (or return()) or the
      // timeout. (Linked by hand: AbortSignal.any and AbortSignal.timeout cost more, and the
      // timer is cleared as soon as the page is in.)
      const request = new AbortController();
      const { signal } = request;
      const onInner = () => request.abort(inner.signal.reason);
      inner.signal.addEventListener("abort", onInner, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        request.abort(new Error("timeout"));
      }, o.timeoutMs);
      try {
        // The request time kept for the window is when the answer began: later than the
        // server's arrival time, so the server never counts more than we do.
        res = await o.get(url, { authorization: `Bearer ${o.apiKey}`, accept: "application/json" }, signal);
        sent.push(clock.now());
        if (res.status >= 200 && res.status < 300) text = await res.body();
        else body = await res.body().catch(() => "");
      } catch (e) {
        if (res === undefined) sent.push(clock.now());
        if (aborted()) throw inner.signal.reason;
        // The request failed, no answer in time, or the connection dropped in the middle of the body.
        const cause = timedOut ? `no answer within ${o.timeoutMs / 1000} s` : (e?.cause?.code ?? e?.cause?.message ?? e?.message ?? e);
        last = res === undefined ? `a network error (${scrub(cause)})` : `a connection dropped while the page was read (${scrub(cause)})`;
        lastStatus = res === undefined ? null : res.status;
        res = undefined;
      } finally {
        clearTimeout(timer);
        inner.signal.removeEventListener("abort", onInner);
      }
      if (aborted()) throw inner.signal.reason;
      if (res !== undefined && res.status >= 200 && res.status < 300) return parsePage(text, offset);
      if (res !== undefined) {
        lastStatus = res.status;
        if (res.status === 401 || res.status === 403) {
          throw apiError(`sync ${o.id}: the API key was refused (HTTP ${res.status})`, res.status, offset);
        }
        if (res.status === 404) throw apiError(`no sync with id ${o.id} (HTTP 404)`, 404, offset);
        if (res.status !== 429 && res.status < 500) {
          throw apiError(`sync ${o.id}: the API refused the request for offset ${offset} (HTTP ${res.status}${apiMessage(body, scrub)})`, res.status, offset);
        }
        last = `HTTP ${res.status}${apiMessage(body, scrub)}`;
        const header = res.header("retry-after");
        if (header !== null && /^\s*\d+\s*$/.test(header)) retryAfter = Number(header) * 1000;
      }
      if (attempt === MAX_ATTEMPTS) {
        throw apiError(`sync ${o.id}: the Hightouch API failed ${MAX_ATTEMPTS} times for the page at offset ${offset}; the last answer was ${last}`, lastStatus, offset);
      }
      await clock.sleep(retryAfter ?? BACKOFF_MS[attempt - 1], inner.signal);
    }
  }

  function parsePage(text, offset) {
    let body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw apiError(`sync ${o.id}: the page at offset ${offset} is not JSON (${scrub(e.message)})`, 200, offset);
    }
    if (body === null || typeof body !== "object" || !Array.isArray(body.data)) {
      throw apiError(`sync ${o.id}: the page at offset ${offset} has no "data" array`, 200, offset);
    }
    // The runs as the API wrote them; JSON.stringify's text only if the two ever disagree on
    // how many runs there are (they cannot, on text JSON.parse accepted).
    let runs = dataElements(text);
    if (runs === null || runs.length !== body.data.length) runs = body.data.map((run) => JSON.stringify(run));
    return { runs, hasMore: body.hasMore === true };
  }

  /** Starts reading a page now; its rejection is handled where it is awaited (or dropped). */
  function start(offset) {
    const p = page(offset);
    p.catch(() => {});
    return p;
  }

  try {
    if (o.apiKey === undefined || o.apiKey === "") {
      throw apiError("no API key: set HIGHTOUCH_API_KEY to a Hightouch API key (Settings > API keys)", null, null);
    }
    if (!/^[\x21-\x7e]+$/.test(o.apiKey)) {
      throw apiError("the API key (HIGHTOUCH_API_KEY) has spaces or characters that cannot go into an HTTP header", null, null);
    }
    let read = 0;
    let offset = 0;
    let next = start(0);
    for (;;) {
      const { runs, hasMore } = await abortable(next, inner.signal);
      const take = Math.min(runs.length, o.maxRuns - read);
      read += take;
      // The next page is on its way while this one is pushed. An empty page ends the paging
      // whatever hasMore says, since the offsets would never reach anything.
      const more = hasMore && runs.length > 0 && read < o.maxRuns;
      offset += PAGE_SIZE;
      next = more ? start(offset) : null;
      yield encoder.encode(take === 0 ? "" : `${(take === runs.length ? runs : runs.slice(0, take)).join("\n")}\n`);
      if (aborted()) throw inner.signal.reason;
      if (!more) return;
    }
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    // Stops a page still being read when the caller stopped early (break, an exception).
    if (!inner.signal.aborted) inner.abort(new Error("fetchRuns: iteration ended"));
  }
}

/**
 * The text of each element of the top-level object's `data` array (the last one, as JSON.parse
 * keeps the last of repeated keys), in `text` that JSON.parse accepted; null if it has none.
 * Each is trimmed and on one line: a line break in JSON text is white space outside a string
 * (inside one it would have been escaped), so a line break and the indentation after it become
 * one space, and a pretty-printed run one NDJSON line.
 * A third of the time of JSON.stringify-ing the parsed runs, and it keeps what stringify loses:
 * repeated keys, `1.0`, numbers too large for a double (SPEC §11: runs as the API wrote them).
 */
function dataElements(text) {
  let depth = 0;
  let keyNext = false; // inside the top-level object, the next string is a key
  let key = null; // the top-level key whose value is being read
  let elements = null; // the elements of the `data` array being read
  let found = null; // of the last `data` array read to its end
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      for (;;) {
        j = text.indexOf('"', j);
        if (j === -1) return null; // an unclosed string: not text JSON.parse accepted
        let slashes = 0;
        while (text.charCodeAt(j - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
        j++;
      }
      if (depth === 1 && keyNext) {
        key = text.slice(i + 1, j);
        if (key.includes("\\")) key = JSON.parse(text.slice(i, j + 1));
        keyNext = false;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth === 1) keyNext = c === 0x7b;
      else if (depth === 2 && c === 0x5b && key === "data") {
        elements = [];
        start = i + 1;
      }
    } else if (c === 0x7d || c === 0x5d) {
      if (elements !== null && depth === 2) {
        const last = oneLine(text.slice(start, i));
        if (last !== "" || elements.length > 0) elements.push(last);
        found = elements;
        elements = null;
      }
      depth--;
    } else if (c === 0x2c) {
      if (depth === 1) keyNext = true;
      else if (elements !== null && depth === 2) {
        elements.push(oneLine(text.slice(start, i)));
        start = i + 1;
      }
    }
  }
  return found;
}

function oneLine(element) {
  const t = element.trim();
  return t.includes("\n") || t.includes("\r") ? t.replace(/[\r\n][\t\n\r ]*/g, " ") : t;
}

/** The promise, or the signal's reason as soon as it is aborted, whichever comes first. */
function abortable(promise, signal) {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** `: message` from the API's `{message, details}` error body, if it has one. */
function apiMessage(body, scrub) {
  try {
    const m = JSON.parse(body)?.message;
    return typeof m === "string" && m.trim() !== "" ? `: ${scrub(m.trim()).slice(0, 300)}` : "";
  } catch {
    return "";
  }
}

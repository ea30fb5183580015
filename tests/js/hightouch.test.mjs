// syncrun/hightouch against the local stand-in (tests/js/hightouch-standin.mjs): paging, pacing,
// retries, errors, abort (SPEC §11). Waits go through an injected clock, so the back-off
// sequence is checked without sleeping through it; the tests of real waits are short.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { SummaryStream, SyncRunError } from "syncrun";
import { fetchRuns as fetchRunsByFetch } from "syncrun/hightouch";
import { startStandin, makeRun } from "./hightouch-standin.mjs";

// Every test here runs twice: with the global fetch, and (SYNCRUN_HTTP=node, from
// hightouch-node-http.test.mjs) with the node:http client the command line hands in.
const nodeHttpGet = process.env.SYNCRUN_HTTP === "node" ? (await import("../../pkg/http.js")).get : null;
let nodeHttpCalls = 0;
const nodeHttp = nodeHttpGet && ((...args) => (nodeHttpCalls++, nodeHttpGet(...args)));
const fetchRuns = (options) => fetchRunsByFetch(nodeHttp && options !== null && typeof options === "object" ? { _get: nodeHttp, ...options } : options);

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const KEY = "ht-test-key-4f1c9e2a7b";

/** A clock whose sleeps return at once and move time on; `waits` lists them. */
function fakeClock() {
  const clock = {
    t: 0,
    waits: [],
    now: () => clock.t,
    async sleep(ms, signal) {
      if (signal.aborted) throw signal.reason;
      clock.waits.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

async function withStandin(options, body) {
  const server = await startStandin({ key: KEY, ...options });
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

/** Every chunk of a fetch, or the error it rejected with. */
async function collect(options) {
  const chunks = [];
  try {
    for await (const chunk of fetchRuns({ apiKey: KEY, ...options })) chunks.push(chunk);
    return { chunks, error: null };
  } catch (error) {
    return { chunks, error };
  }
}

const text = (chunks) => chunks.map((c) => Buffer.from(c).toString("utf8")).join("");
const lines = (chunks) => text(chunks).split("\n").filter((l) => l !== "");

function summarize(chunks) {
  const stream = new SummaryStream();
  for (const c of chunks) stream.push(c);
  return stream.finish();
}

function assertApiError(error, { status, offset, message }) {
  assert.ok(error instanceof SyncRunError, `a SyncRunError, got ${error?.stack ?? error}`);
  assert.equal(error.name, "SyncRunError");
  assert.equal(error.code, "api_error");
  assert.equal(error.status, status);
  assert.equal(error.offset, offset);
  assert.match(error.message, message);
  assert.ok(!error.message.includes(KEY), "the key is not in the message");
}

describe("paging (SPEC §11)", () => {
  test("limit=100, offset 0, 100, 200, orderBy=createdAt, Bearer key; stops at hasMore: false; one chunk per page", async () => {
    await withStandin({ syncs: { 42: { count: 250 } } }, async (server) => {
      const { chunks, error } = await collect({ syncId: "42", baseUrl: server.url });
      assert.equal(error, null);
      assert.equal(chunks.length, 3);
      assert.ok(chunks.every((c) => c instanceof Uint8Array));
      assert.deepEqual(
        server.requests.map((r) => [r.path, r.query]),
        [0, 100, 200].map((offset) => ["/syncs/42/runs", { limit: "100", offset: String(offset), orderBy: "createdAt" }]),
      );
      // Every run, newest first as served, each one JSON value per line.
      const expected = Array.from({ length: 250 }, (_, k) => JSON.stringify(makeRun(249 - k)));
      assert.deepEqual(lines(chunks), expected);
      assert.ok(text(chunks).endsWith("}\n"));
      const s = summarize(chunks);
      assert.equal(s.records, 250);
      assert.equal(s.valid, 250);
      assert.equal(s.hasMore, null, "an NDJSON stream: hasMore is null");
    });
  });

  test("a page without hasMore ends the paging, as hasMore: false does", async () => {
    const syncs = { 7: { count: 1000 } };
    const fault = ({ query }) => (query.offset === 100 ? { status: 200, body: { data: [makeRun(1)] } } : undefined);
    await withStandin({ syncs, fault }, async (server) => {
      const { chunks, error } = await collect({ syncId: 7, baseUrl: server.url });
      assert.equal(error, null);
      assert.equal(server.requests.length, 2);
      assert.equal(lines(chunks).length, 101);
    });
  });

  test("a page of exactly 100 runs with hasMore: false makes no further request; a sync with no runs gives one empty chunk", async () => {
    await withStandin({ syncs: { 1: { count: 100 }, 2: { count: 0 } } }, async (server) => {
      let r = await collect({ syncId: 1, baseUrl: server.url });
      assert.equal(server.requests.length, 1);
      assert.equal(lines(r.chunks).length, 100);
      r = await collect({ syncId: 2, baseUrl: server.url });
      assert.equal(r.error, null);
      assert.deepEqual(r.chunks.map((c) => c.length), [0]);
      assert.equal(summarize(r.chunks).records, 0);
    });
  });

  test("maxRuns stops the paging once that many runs are read, mid-page included", async () => {
    await withStandin({ syncs: { 9: { count: 1000 } } }, async (server) => {
      let r = await collect({ syncId: 9, baseUrl: server.url, maxRuns: 150 });
      assert.equal(lines(r.chunks).length, 150);
      assert.equal(server.requests.length, 2);
      assert.equal(JSON.parse(lines(r.chunks)[149]).id, makeRun(1000 - 150).id);
      server.requests.length = 0;
      r = await collect({ syncId: 9, baseUrl: server.url, maxRuns: 100 });
      assert.equal(lines(r.chunks).length, 100);
      assert.equal(server.requests.length, 1, "no request for a page that would not be read");
    });
  });

  test("since adds after=T; the stand-in filters on startedAt as the API describes", async () => {
    await withStandin({ syncs: { 5: { count: 300 } } }, async (server) => {
      const since = makeRun(99).startedAt; // runs 100..299 started after it
      const { chunks, error } = await collect({ syncId: 5, baseUrl: server.url, since });
      assert.equal(error, null);
      assert.equal(server.requests[0].query.after, since);
      assert.equal(lines(chunks).length, 200);
      assert.equal(server.requests.length, 2);
    });
  });

  test("apiKey and baseUrl default to HIGHTOUCH_API_KEY and HIGHTOUCH_API_URL (the key trimmed of a pasted newline)", async () => {
    await withStandin({ syncs: { 3: { count: 3 } } }, async (server) => {
      const saved = { key: process.env.HIGHTOUCH_API_KEY, url: process.env.HIGHTOUCH_API_URL };
      process.env.HIGHTOUCH_API_KEY = `${KEY}\n`;
      process.env.HIGHTOUCH_API_URL = `${server.url}/`;
      try {
        const chunks = [];
        for await (const c of fetchRuns({ syncId: 3 })) chunks.push(c);
        assert.equal(lines(chunks).length, 3);
        assert.equal(server.requests[0].path, "/syncs/3/runs");
      } finally {
        for (const [k, v] of [["HIGHTOUCH_API_KEY", saved.key], ["HIGHTOUCH_API_URL", saved.url]]) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    });
  });
});

describe("runs read through the API are one NDJSON stream (SPEC §11, §3.2)", () => {
  test("runs created at the head while paging shift the offsets: repeats are served, counted once as duplicate_id", async () => {
    const sync = { count: 250 };
    // Before the second page, 30 new runs arrive at the head: the second page repeats 30 runs.
    const fault = ({ query, sync: s }) => {
      if (query.offset === 100 && s.count === 250) s.count += 30;
      return undefined;
    };
    await withStandin({ syncs: { 11: sync }, fault }, async (server) => {
      const { chunks, error } = await collect({ syncId: 11, baseUrl: server.url });
      assert.equal(error, null);
      const ids = lines(chunks).map((l) => JSON.parse(l).id);
      assert.equal(ids.length, 280, "every run as served, repeats included");
      assert.equal(new Set(ids).size, 250);
      const s = summarize(chunks);
      assert.equal(s.records, 280);
      assert.equal(s.duplicates, 30);
      assert.equal(s.valid, 250);
      assert.ok(s.issues.filter((i) => i.code === "duplicate_id").every((i) => i.severity === "warning" && /^\/\d+\/id$/.test(i.path)));
    });
  });

  test("runs are the API's own text, one line each: repeated keys, 1.0 and 1e400 survive (SPEC §11)", async () => {
    const page =
      '{ "hasMore": true, "data": [1, 2],\n  "d\\u0061ta": [\n' +
      '    {"id": "7", "id": "8", "status": "success", "note": "a \\"]},{\\" b \\\\", "x": [[1, {"y": []}], "}"]},\n' +
      '    {\n      "id": "9",\n      "completionRatio": 1.0,\n      "querySize": 1e400\n    }\n  ],\n  "hasMore": false }';
    const fault = () => ({ status: 200, body: page });
    await withStandin({ syncs: { 1: { count: 1 } }, fault }, async (server) => {
      const { chunks, error } = await collect({ syncId: 1, baseUrl: server.url });
      assert.equal(error, null);
      assert.equal(chunks.length, 1, "hasMore: false, the last of the two, ends the paging");
      assert.deepEqual(lines(chunks), [
        '{"id": "7", "id": "8", "status": "success", "note": "a \\"]},{\\" b \\\\", "x": [[1, {"y": []}], "}"]}',
        '{ "id": "9", "completionRatio": 1.0, "querySize": 1e400 }',
      ]);
      const s = summarize(chunks);
      assert.ok(s.issues.some((i) => i.code === "duplicate_key" && i.path === "/0/id"), JSON.stringify(s.issues));
      assert.ok(s.issues.some((i) => i.code === "invalid_number" && i.path === "/1/querySize"), JSON.stringify(s.issues));
    });
  });

  test("any page JSON.parse accepts: the lines are its data's runs, in order (random pages)", async () => {
    let seed = 7;
    const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const strings = ['"', "\\", '\\"', "]", "},{", "[", "\n", "é", "😀", "\u2028", "data", ""];
    const value = (depth) => {
      const k = rand(depth > 3 ? 4 : 7);
      if (k === 0) return null;
      if (k === 1) return rand(2) === 0;
      if (k === 2) return rand(1000) / 7;
      if (k === 3) return strings[rand(strings.length)] + strings[rand(strings.length)];
      if (k === 4) return Array.from({ length: rand(4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: rand(4) }, () => [strings[rand(strings.length)] + rand(9), value(depth + 1)]));
    };
    const texts = [];
    for (let p = 0; p < 60; p++) {
      const body = { before: value(1), data: Array.from({ length: rand(6) }, () => value(1)), after: value(1), hasMore: false };
      texts.push(JSON.stringify(body, null, rand(3) === 0 ? undefined : rand(4)));
    }
    let n = 0;
    const fault = () => ({ status: 200, body: texts[n++] });
    await withStandin({ syncs: { 1: { count: 1 } }, fault }, async (server) => {
      for (const text of texts) {
        const { chunks, error } = await collect({ syncId: 1, baseUrl: server.url });
        assert.equal(error, null);
        assert.deepEqual(lines(chunks).map((l) => JSON.parse(l)), JSON.parse(text).data, text);
      }
    });
  });

  test("invalid runs are issues at /N/... across pages, not a failure", async () => {
    const run = (i) => (i === 149 ? { ...makeRun(i), status: "Completed" } : i === 20 ? "not a run" : makeRun(i));
    await withStandin({ syncs: { 12: { count: 250, run } } }, async (server) => {
      const { chunks, error } = await collect({ syncId: 12, baseUrl: server.url });
      assert.equal(error, null);
      const s = summarize(chunks);
      assert.equal(s.records, 250);
      assert.equal(s.invalid, 2);
      // Newest first: run 149 is record 100 (the first of page two), run 20 is record 229.
      assert.deepEqual(
        s.issues.map((i) => [i.path, i.code, i.line]),
        [["/100/status", "unknown_status", 101], ["/229", "invalid_type", 230]],
      );
    });
  });
});

describe("errors (SPEC §11, §6)", () => {
  for (const status of [401, 403]) {
    test(`${status}: "the API key was refused", no retry`, async () => {
      await withStandin({ syncs: { 1: { count: 10 } }, fault: () => ({ status, body: { message: "Unauthorized" } }) }, async (server) => {
        const { error } = await collect({ syncId: 1, baseUrl: server.url });
        assertApiError(error, { status, offset: 0, message: /^sync 1: the API key was refused \(HTTP \d+\)$/ });
        assert.equal(server.requests.length, 1);
      });
    });
  }

  test("a wrong key is refused by the stand-in itself (401)", async () => {
    await withStandin({ syncs: { 1: { count: 10 } } }, async (server) => {
      const { error } = await collect({ syncId: 1, baseUrl: server.url, apiKey: "some-other-key" });
      assertApiError(error, { status: 401, offset: 0, message: /the API key was refused/ });
    });
  });

  test('404: "no sync with id ID"', async () => {
    await withStandin({ syncs: {} }, async (server) => {
      const { error } = await collect({ syncId: "123", baseUrl: server.url });
      assertApiError(error, { status: 404, offset: 0, message: /^no sync with id 123\b/ });
      assert.equal(server.requests.length, 1);
    });
  });

  test("422 {message, details}: the message is shown, no retry", async () => {
    const fault = () => ({ status: 422, body: { message: "Invalid query parameter: after", details: { after: "bad" } } });
    await withStandin({ syncs: { 4: { count: 10 } }, fault }, async (server) => {
      const { error } = await collect({ syncId: 4, baseUrl: server.url });
      assertApiError(error, { status: 422, offset: 0, message: /^sync 4: .*offset 0 \(HTTP 422: Invalid query parameter: after\)$/ });
      assert.equal(server.requests.length, 1);
    });
  });

  test("the stand-in's own 422 for a bad parameter (a client that sent one would see it)", async () => {
    await withStandin({ syncs: { 4: { count: 10 } } }, async (server) => {
      const res = await fetch(`${server.url}/syncs/4/runs?orderBy=name`, { headers: { authorization: `Bearer ${KEY}` } });
      assert.equal(res.status, 422);
      assert.deepEqual(await res.json(), { message: "Validation failed", details: { orderBy: "must be one of id, createdAt, startedAt, finishedAt" } });
    });
  });

  test("the stand-in answers as the published description says: limit defaults to 5; before, within, runId filter", async () => {
    await withStandin({ syncs: { 4: { count: 50 } } }, async (server) => {
      const get = async (query) => {
        const res = await fetch(`${server.url}/syncs/4/runs?${query}`, { headers: { authorization: `Bearer ${KEY}` } });
        assert.equal(res.status, 200, query);
        return res.json();
      };
      let page = await get("");
      assert.deepEqual([page.data.length, page.hasMore, page.data[0].id], [5, true, makeRun(49).id]);
      page = await get(`before=${encodeURIComponent(makeRun(10).startedAt)}&limit=100`);
      assert.deepEqual([page.data.length, page.hasMore], [10, false]);
      page = await get(`runId=${makeRun(7).id}`);
      assert.deepEqual(page.data.map((r) => r.id), [makeRun(7).id]);
      page = await get("within=60");
      assert.equal(page.data.length, 0, "the stand-in's runs are from May 2024");
    });
  });

  test("no API key names HIGHTOUCH_API_KEY; nothing is requested", async () => {
    await withStandin({ syncs: { 1: { count: 10 } } }, async (server) => {
      const saved = process.env.HIGHTOUCH_API_KEY;
      delete process.env.HIGHTOUCH_API_KEY;
      try {
        const { error } = await collect({ syncId: 1, baseUrl: server.url, apiKey: undefined });
        assertApiError(error, { status: null, offset: null, message: /HIGHTOUCH_API_KEY/ });
        assert.equal(server.requests.length, 0);
      } finally {
        if (saved !== undefined) process.env.HIGHTOUCH_API_KEY = saved;
      }
    });
  });

  test("a page that is not JSON, and one without a data array, name the page's offset", async () => {
    for (const body of ['{"data": [', "<html>Bad gateway</html>", '{"items": [], "hasMore": false}', '{"data": {}, "hasMore": false}', "null"]) {
      const fault = ({ query }) => (query.offset === 200 ? { status: 200, body } : undefined);
      await withStandin({ syncs: { 8: { count: 500 } }, fault }, async (server) => {
        const { chunks, error } = await collect({ syncId: 8, baseUrl: server.url });
        const json = body.startsWith("{\"items") || body.startsWith("{\"data\": {") || body === "null";
        assertApiError(error, { status: 200, offset: 200, message: json ? /^sync 8: the page at offset 200 has no "data" array$/ : /^sync 8: the page at offset 200 is not JSON/ });
        assert.equal(chunks.length, 2, "the pages before it were handed on");
        assert.equal(server.requests.length, 3, "not retried");
      });
    }
  });

  test("options of the wrong kind throw invalid_option at once", () => {
    const bad = [
      undefined,
      {},
      { syncId: "" },
      { syncId: "a/b" },
      { syncId: -1 },
      { syncId: 1, since: "2024-05-01" },
      { syncId: 1, since: "2024-02-30T00:00:00Z" },
      { syncId: 1, maxRuns: 0 },
      { syncId: 1, maxRuns: 1.5 },
      { syncId: 1, baseUrl: "ftp://example.invalid" },
      { syncId: 1, baseUrl: "not a url" },
      { syncId: 1, baseUrl: "https://user:pw@example.invalid" },
      { syncId: 1, signal: {} },
      { syncId: 1, apiKey: 5 },
    ];
    for (const options of bad) {
      assert.throws(() => fetchRuns(options), (e) => e instanceof SyncRunError && e.code === "invalid_option", JSON.stringify(options));
    }
  });
});

describe("retries (SPEC §11): 5 retries, back-off 1, 2, 4, 8, 16 s, Retry-After replaces it", () => {
  test("503 five times, then the page: read, after waits of 1, 2, 4, 8, 16 s", async () => {
    const fault = ({ n }) => (n <= 5 ? { status: 503 } : undefined);
    await withStandin({ syncs: { 1: { count: 50 } }, fault }, async (server) => {
      const clock = fakeClock();
      const { chunks, error } = await collect({ syncId: 1, baseUrl: server.url, _clock: clock });
      assert.equal(error, null);
      assert.equal(lines(chunks).length, 50);
      assert.deepEqual(clock.waits, [1000, 2000, 4000, 8000, 16000]);
      assert.equal(server.requests.length, 6);
    });
  });

  for (const status of [429, 500, 502, 503, 504]) {
    test(`${status} six times: api_error naming the sync and the last status, after 6 requests`, async () => {
      await withStandin({ syncs: { 77: { count: 250 } }, fault: ({ n }) => (n > 1 ? { status } : undefined) }, async (server) => {
        const clock = fakeClock();
        const { chunks, error } = await collect({ syncId: 77, baseUrl: server.url, _clock: clock });
        assertApiError(error, { status, offset: 100, message: new RegExp(`^sync 77: .*offset 100.*HTTP ${status}`) });
        assert.equal(chunks.length, 1);
        assert.equal(server.requests.length, 1 + 6);
        assert.deepEqual(clock.waits, [1000, 2000, 4000, 8000, 16000]);
      });
    });
  }

  test("Retry-After in seconds replaces the back-off for that wait only; a date or junk does not", async () => {
    const answers = [
      { status: 429, headers: { "retry-after": "7" } },
      { status: 503 },
      { status: 429, headers: { "retry-after": "0" } },
      { status: 429, headers: { "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" } },
      { status: 503, headers: { "retry-after": "1.5" } },
    ];
    await withStandin({ syncs: { 1: { count: 5 } }, fault: ({ n }) => answers[n - 1] }, async (server) => {
      const clock = fakeClock();
      const { error } = await collect({ syncId: 1, baseUrl: server.url, _clock: clock });
      assert.equal(error, null);
      assert.deepEqual(clock.waits, [7000, 2000, 0, 8000, 16000]);
    });
  });

  test("a connection dropped in the middle of the body is retried; six of them fail naming it", async () => {
    await withStandin({ syncs: { 1: { count: 250 } }, fault: ({ n }) => (n === 2 ? { drop: true } : undefined) }, async (server) => {
      const clock = fakeClock();
      const { chunks, error } = await collect({ syncId: 1, baseUrl: server.url, _clock: clock });
      assert.equal(error, null);
      assert.equal(lines(chunks).length, 250);
      assert.deepEqual(clock.waits, [1000]);
      assert.deepEqual(server.requests.map((r) => r.query.offset), ["0", "100", "100", "200"]);
    });
    await withStandin({ syncs: { 1: { count: 250 } }, fault: () => ({ drop: true }) }, async (server) => {
      const clock = fakeClock();
      const { error } = await collect({ syncId: 1, baseUrl: server.url, _clock: clock });
      assertApiError(error, { status: 200, offset: 0, message: /connection dropped/ });
      assert.equal(server.requests.length, 6);
    });
  });

  test("a request with no answer in time is a network error, retried (the timeout shortened here from 60 s)", async () => {
    await withStandin({ syncs: { 1: { count: 5 } }, fault: ({ n }) => (n === 1 ? { hang: true } : undefined) }, async (server) => {
      const clock = fakeClock();
      const { chunks, error } = await collect({ syncId: 1, baseUrl: server.url, _clock: clock, _timeoutMs: 200 });
      assert.equal(error, null);
      assert.equal(lines(chunks).length, 5);
      assert.deepEqual(clock.waits, [1000]);
    });
    await withStandin({ syncs: { 1: { count: 5 } }, fault: () => ({ hang: true }) }, async (server) => {
      const { error } = await collect({ syncId: 1, baseUrl: server.url, _clock: fakeClock(), _timeoutMs: 100 });
      assertApiError(error, { status: null, offset: 0, message: /network error \(no answer within 0.1 s\)$/ });
      assert.equal(server.requests.length, 6);
    });
  });

  test("a network error (nothing listening) is retried, then api_error with status null", async () => {
    const server = await startStandin({ syncs: {} });
    const url = server.url;
    await server.close();
    const clock = fakeClock();
    const { error } = await collect({ syncId: 1, baseUrl: url, _clock: clock });
    assertApiError(error, { status: null, offset: 0, message: /^sync 1: .*network error \(ECONNREFUSED\)/ });
    assert.deepEqual(clock.waits, [1000, 2000, 4000, 8000, 16000]);
  });

  test("a key echoed by the server or the network layer is scrubbed from the message", async () => {
    const fault = () => ({ status: 500, body: { message: `upstream rejected Authorization: Bearer ${KEY}` } });
    await withStandin({ syncs: { 1: { count: 5 } }, fault }, async (server) => {
      const { error } = await collect({ syncId: 1, baseUrl: server.url, _clock: fakeClock() });
      assertApiError(error, { status: 500, offset: 0, message: /Bearer \[API key\]/ });
    });
    const { error } = await collect({ syncId: 1, baseUrl: "http://127.0.0.1:1", apiKey: "bad key with a space" });
    assertApiError(error, { status: null, offset: null, message: /cannot go into an HTTP header/ });
    assert.ok(!error.message.includes("bad key"));
  });

  test("the shipped waits are SPEC §11's: one 503 costs a real second", async () => {
    await withStandin({ syncs: { 1: { count: 5 } }, fault: ({ n }) => (n === 1 ? { status: 503 } : undefined) }, async (server) => {
      const t0 = performance.now();
      const { error } = await collect({ syncId: 1, baseUrl: server.url });
      const ms = performance.now() - t0;
      assert.equal(error, null);
      assert.ok(ms >= 990 && ms < 3000, `${ms} ms`);
      assert.ok(server.requests[1].at - server.requests[0].at >= 990);
    });
  });
});

describe("pacing (SPEC §11): never more than 200 requests in any 10 s window", () => {
  test("450 pages on the injected clock: every 10 s window holds at most 200 requests, and the pacing costs no more than it must", async () => {
    let clock;
    const at = [];
    const fault = () => {
      at.push(clock.now());
      return undefined;
    };
    await withStandin({ syncs: { 1: { count: 45_000 } }, fault }, async (server) => {
      clock = fakeClock();
      const { chunks, error } = await collect({ syncId: 1, baseUrl: server.url, _clock: clock });
      assert.equal(error, null);
      assert.equal(chunks.length, 450);
      let most = 0;
      for (let i = 0, j = 0; j < at.length; j++) {
        while (at[j] - at[i] >= 10_000) i++;
        most = Math.max(most, j - i + 1);
      }
      assert.equal(most, 200);
      // Requests 201 and 401 wait for the window, and only they (and only just).
      assert.equal(clock.waits.length, 2);
      assert.ok(clock.t >= 20_000 && clock.t < 20_200, `${clock.t} ms`);
    });
  });
});

describe("abort and early exit (SPEC §11)", () => {
  test("an aborted signal rejects the iteration with its reason within a second, during a back-off", async () => {
    await withStandin({ syncs: { 1: { count: 5 } }, fault: () => ({ status: 503 }) }, async (server) => {
      const controller = new AbortController();
      const reason = new Error("stop now");
      setTimeout(() => controller.abort(reason), 300);
      const t0 = performance.now();
      const { error } = await collect({ syncId: 1, baseUrl: server.url, signal: controller.signal });
      const ms = performance.now() - t0;
      assert.equal(error, reason);
      assert.ok(ms < 1000, `${ms} ms`);
      assert.equal(server.requests.length, 1, "no request after the abort");
    });
  });

  test("... during a request the server never answers", async () => {
    await withStandin({ syncs: { 1: { count: 500 } }, fault: ({ n }) => (n === 2 ? { hang: true } : undefined) }, async (server) => {
      const controller = new AbortController();
      const chunks = [];
      const t0 = performance.now();
      let error = null;
      try {
        for await (const c of fetchRuns({ syncId: 1, apiKey: KEY, baseUrl: server.url, signal: controller.signal })) {
          chunks.push(c);
          setTimeout(() => controller.abort(), 200);
        }
      } catch (e) {
        error = e;
      }
      assert.equal(chunks.length, 1);
      assert.equal(error?.name, "AbortError");
      assert.ok(performance.now() - t0 < 1200);
    });
  });

  test("... and at once when it was aborted before the first page", async () => {
    await withStandin({ syncs: { 1: { count: 5 } } }, async (server) => {
      const reason = new Error("never mind");
      const { error } = await collect({ syncId: 1, baseUrl: server.url, signal: AbortSignal.abort(reason) });
      assert.equal(error, reason);
      assert.equal(server.requests.length, 0);
    });
  });

  test("breaking out of the loop stops the page being read and sends nothing more", async () => {
    await withStandin({ syncs: { 1: { count: 1000 } }, fault: ({ n }) => (n === 2 ? { delayMs: 300 } : undefined) }, async (server) => {
      let broke;
      for await (const chunk of fetchRuns({ syncId: 1, apiKey: KEY, baseUrl: server.url })) {
        assert.ok(chunk.length > 0);
        // Page two is being read (the server holds it for 300 ms) while page one is handled.
        while (server.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
        broke = performance.now();
        break;
      }
      assert.ok(performance.now() - broke < 150, "return() did not wait for the page being read");
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(server.requests.length, 2, "the prefetch of page two was the last request");
    });
  });
});

test("SPEC §11, §12: require('syncrun/hightouch') is the CommonJS build, whose errors are require('syncrun')'s SyncRunError", () => {
  // require() never meets an ES module (SPEC §12): it loads hightouch.cjs, which requires
  // node.cjs, so a CommonJS program has one package and one SyncRunError class, as an ES one has.
  const require = createRequire(import.meta.url);
  const cjs = require("syncrun/hightouch");
  assert.match(require.resolve("syncrun/hightouch"), /hightouch\.cjs$/);
  assert.equal(typeof cjs.fetchRuns, "function");
  assert.throws(() => cjs.fetchRuns({ syncId: "" }), (e) => e instanceof require("syncrun").SyncRunError && e.code === "invalid_option");
  assert.throws(() => fetchRuns({ syncId: "" }), (e) => e instanceof SyncRunError && e.code === "invalid_option");
});

test("SPEC §11, §12: syncrun/hightouch type-checks strictly under node16, nodenext and bundler with a Node-only lib (no DOM), and takes the DOM's AbortSignal", () => {
  const dir = mkdtempSync(join(tmpdir(), "syncrun-ht-types-"));
  try {
    for (const [module, resolution, lib, file] of [
      ["Node16", "Node16", ["ES2022"], "hightouch.ts"],
      ["NodeNext", "NodeNext", ["ES2022"], "hightouch.ts"],
      ["ESNext", "Bundler", ["ES2022"], "hightouch.ts"],
      ["NodeNext", "NodeNext", ["ES2022", "DOM"], "hightouch-dom.ts"],
    ]) {
      const config = join(dir, `tsconfig.${resolution}.${lib.length}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          compilerOptions: {
            strict: true, noEmit: true, target: "ES2022", lib, types: [], module, moduleResolution: resolution,
            exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false,
          },
          files: [join(ROOT, "tests/ts", file)],
        }),
      );
      try {
        execFileSync(join(ROOT, "node_modules/.bin/tsc"), ["-p", config], { encoding: "utf8", stdio: "pipe", cwd: ROOT });
      } catch (e) {
        assert.fail(`tsc (${resolution}, lib ${lib}) failed:\n${e.stdout}${e.stderr}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("README: the syncrun/hightouch example runs as printed against the stand-in (SPEC §11)", async () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = (marker) => {
    const m = readme.match(new RegExp(`<!-- ${marker} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``));
    assert.ok(m, `README has a code block after <!-- ${marker} -->`);
    return m[1];
  };
  await withStandin({ syncs: { 123: { count: 250 } } }, async (server) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", block("example:hightouch")], {
      cwd: ROOT,
      env: { ...process.env, HIGHTOUCH_API_KEY: KEY, HIGHTOUCH_API_URL: server.url },
    });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    const code = await new Promise((resolve) => child.on("close", resolve));
    assert.equal(code, 0, Buffer.concat(err).toString());
    assert.equal(Buffer.concat(out).toString().trimEnd(), block("output:hightouch"));
    assert.equal(server.requests[0].query.after, "2024-05-01T00:00:00Z");
  });
});

if (nodeHttp) {
  test("SPEC §11: the run with SYNCRUN_HTTP=node sent its requests through pkg/http.js", () => {
    assert.ok(nodeHttpCalls > 100, `${nodeHttpCalls} requests through node:http`);
  });
}

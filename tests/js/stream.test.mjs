// SummaryStream through the public package API (SPEC §7, §6): chunked input of any cut gives the
// batch function's answer on the whole text; misuse throws SyncRunError; abandoned streams free.
import { test } from "node:test";
import assert from "node:assert/strict";
import { summarizeRuns, SummaryStream } from "syncrun";

const enc = new TextEncoder();

function run(id, status, created, { startedAt, finishedAt, error = null, failed = 0, extra = {} } = {}) {
  const t = Date.parse(created);
  const started = startedAt === undefined ? new Date(t + 1000).toISOString() : startedAt;
  const finished = finishedAt === undefined ? new Date(t + 61_500).toISOString() : finishedAt;
  return {
    id,
    status,
    createdAt: created,
    startedAt: started,
    finishedAt: finished,
    completionRatio: 1,
    querySize: 20,
    plannedRows: { addedCount: 20, changedCount: 5, removedCount: 0 },
    successfulRows: { addedCount: 20 - failed, changedCount: 5, removedCount: 0 },
    failedRows: { addedCount: failed, changedCount: 0, removedCount: 0 },
    error,
    ...extra,
  };
}

// Multi-byte UTF-8 inside strings (é: 2 bytes, 😀: 4 bytes and a surrogate pair in JS), a blank
// line, an invalid record, a duplicate id, a warning and an error message with digits.
const SMALL = [
  JSON.stringify(run("café-1", "success", "2024-03-01T08:00:00Z")),
  JSON.stringify(run("run-😀", "failed", "2024-03-01T09:00:00+01:00", { error: "Réponse 503 😀 after 3 tries", failed: 4 })),
  "",
  JSON.stringify(run("é3", "Warning", "2024-03-02T10:00:00.123456Z", { failed: 2 })),
  '{"id": "bad-é", "status": "nope 😀", "createdAt": "2024-13-01T00:00:00Z"}',
  JSON.stringify(run("café-1", "success", "2024-03-03T08:00:00Z")),
  JSON.stringify(run("q😀", "queued", "2024-03-04T08:00:00Z", { startedAt: null, finishedAt: null })),
  JSON.stringify(run("last", "failed", "2024-03-04T09:00:00Z", { error: "Réponse 504 😀 after 12 tries" })),
].join("\n");

/** Push `chunks` into a new stream and finish it. */
function streamed(chunks, options) {
  const s = new SummaryStream(options);
  try {
    for (const c of chunks) s.push(c);
    return s.finish();
  } finally {
    s.free();
  }
}

/** Whether cutting a JS string before index `i` falls between the halves of a surrogate pair. */
function insidePair(text, i) {
  const c = text.charCodeAt(i - 1);
  return c >= 0xd800 && c <= 0xdbff;
}

test("SPEC §7: the small input has what the cuts must survive", () => {
  const whole = summarizeRuns(SMALL);
  assert.equal(whole.records, 7);
  assert.equal(whole.valid, 5);
  assert.equal(whole.invalid, 1);
  assert.equal(whole.duplicates, 1);
  assert.ok(enc.encode(SMALL).length > SMALL.length, "multi-byte characters present");
  assert.ok(whole.issues.some((i) => i.code === "duplicate_id"));
  assert.equal(whole.topErrors[0].pattern, "Réponse # 😀 after # tries");
});

for (const [name, text] of [
  ["NDJSON", SMALL],
  ["NDJSON with a byte order mark and CRLF", `\uFEFF${SMALL.replaceAll("\n", "\r\n")}\r\n`],
  ["a pretty-printed envelope", JSON.stringify({ data: SMALL.split("\n").filter((l) => l).map((l) => JSON.parse(l)), hasMore: true }, null, 2)],
]) {
  test(`SPEC §7: ${name} cut at every byte offset, as Uint8Array chunks, equals summarizeRuns`, () => {
    const whole = summarizeRuns(text);
    const bytes = enc.encode(text);
    for (let i = 0; i <= bytes.length; i++) {
      const got = streamed([bytes.subarray(0, i), bytes.subarray(i)]);
      assert.deepEqual(got, whole, `cut at byte ${i} of ${bytes.length}`);
    }
  });

  test(`SPEC §7: ${name} cut at every string offset, between the halves of a surrogate pair too, equals summarizeRuns`, () => {
    const whole = summarizeRuns(text);
    let pairs = 0;
    for (let i = 0; i <= text.length; i++) {
      if (insidePair(text, i)) pairs++;
      assert.deepEqual(streamed([text.slice(0, i), text.slice(i)]), whole, `cut at UTF-16 index ${i}`);
    }
    assert.ok(pairs > 0, "some cuts fall between the halves of a surrogate pair");
  });
}

test("SPEC §7: one byte per chunk, and three-way cuts around every multi-byte character", () => {
  const whole = summarizeRuns(SMALL);
  const bytes = enc.encode(SMALL);
  assert.deepEqual(
    streamed(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1))),
    whole,
  );
  // Both cuts inside or next to one multi-byte sequence: a chunk may hold no whole character.
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0xc0) continue;
    for (let j = i + 1; j <= Math.min(i + 4, bytes.length); j++) {
      assert.deepEqual(streamed([bytes.subarray(0, i + 1), bytes.subarray(i + 1, j), bytes.subarray(j)]), whole, `cuts ${i + 1}, ${j}`);
    }
  }
});

// A small seeded generator: runs of every status, bad records, duplicates, blank lines, CRLF,
// unknown keys and non-ASCII text, so that random chunkings meet every kind of record boundary.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ["success", "warning", "failed", "cancelled", "interrupted", "queued", "querying", "processing", "reporting"];
const TEXTS = ["timeout after 30s", "HTTP 429 — ralenti é", "quota 😀 exceeded: 1200 > 1000", "  ", "Ünïcödé 42"];

function generate(seed, n) {
  const rnd = mulberry32(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const lines = [];
  const ids = [];
  for (let i = 0; i < n; i++) {
    // The first line is a run, so that format "auto" reads NDJSON (SPEC §1).
    const r = i === 0 ? 1 : rnd();
    if (r < 0.04) {
      lines.push(r < 0.02 ? "" : "   ");
      continue;
    }
    if (r < 0.07) {
      lines.push(pick(['{"id": "x", "status":', "not json é", "[1, 2]", '{"id": 1, "id": 2}']));
      continue;
    }
    const id = r < 0.12 && ids.length > 0 ? pick(ids) : rnd() < 0.3 ? Math.floor(rnd() * 1e6) : `run-${seed}-${i}-${pick(["", "é", "😀"])}`;
    ids.push(id);
    const status = pick(STATUSES);
    const created = Date.UTC(2024, 0, 1) + Math.floor(rnd() * 20 * 86_400_000);
    const inProgress = ["queued", "querying", "processing", "reporting"].includes(status);
    const startedAt = status === "queued" && rnd() < 0.7 ? null : new Date(created + Math.floor(rnd() * 90_000) - 5_000).toISOString();
    const finishedAt = inProgress && rnd() < 0.8 ? null : new Date(created + Math.floor(rnd() * 7_200_000)).toISOString();
    const failed = rnd() < 0.3 ? Math.floor(rnd() * 50) : 0;
    const obj = run(id, rnd() < 0.1 ? status.toUpperCase() : status, new Date(created).toISOString(), {
      startedAt,
      finishedAt,
      failed,
      error: rnd() < 0.4 ? pick(TEXTS) : null,
      extra: rnd() < 0.1 ? { syncId: pick(["a", "é"]) } : {},
    });
    if (rnd() < 0.05) obj.completionRatio = 1.5;
    if (rnd() < 0.03) delete obj.querySize;
    lines.push(JSON.stringify(obj, null, rnd() < 0.05 ? undefined : 0));
  }
  return lines.join(rnd() < 0.3 ? "\r\n" : "\n") + (rnd() < 0.5 ? "\n" : "");
}

/**
 * Cut `text` into random pieces: bytes (anywhere) or strings (anywhere, between the halves of a
 * surrogate pair too, unless `wholePairs`: a piece that will be encoded on its own must not hold
 * a lone half).
 */
function randomChunks(text, rnd, asBytes, maxLen, wholePairs = false) {
  const out = [];
  if (asBytes) {
    const bytes = enc.encode(text);
    for (let i = 0; i < bytes.length; ) {
      const len = 1 + Math.floor(rnd() * maxLen);
      out.push(bytes.slice(i, i + len));
      i += len;
    }
  } else {
    let start = 0;
    for (let i = 0; i < text.length; ) {
      i = Math.min(i + 1 + Math.floor(rnd() * maxLen), text.length);
      while (wholePairs && i < text.length && insidePair(text, i)) i++;
      out.push(text.slice(start, i));
      start = i;
    }
  }
  return out;
}

test("SPEC §7: random chunkings of generated inputs equal summarizeRuns, with every option", () => {
  const optionSets = [undefined, { warningIsFailure: true }, { maxIssues: 3 }, { unknownFields: "keep" }, { unknownFields: "error", maxIssues: 0 }];
  const seen = { invalid: 0, duplicates: 0, warningCount: 0, inProgress: 0, failed: 0, issuesTruncated: 0 };
  for (let seed = 1; seed <= 24; seed++) {
    const text = generate(seed, 40 + seed * 12);
    const options = optionSets[seed % optionSets.length];
    const whole = summarizeRuns(text, options);
    assert.ok(whole.records > 0, `seed ${seed} has records`);
    for (const k of Object.keys(seen)) seen[k] += Number(whole[k]);
    const rnd = mulberry32(seed * 7919);
    for (const [asBytes, maxLen] of [[true, 7], [true, 300], [false, 7], [false, 300], [true, 4096]]) {
      const chunks = randomChunks(text, rnd, asBytes, maxLen);
      assert.deepEqual(streamed(chunks, options), whole, `seed ${seed}, ${asBytes ? "bytes" : "strings"} up to ${maxLen}`);
    }
    // Mixed: strings and bytes in one stream (never a lone half in a piece that is encoded).
    const mixed = randomChunks(text, rnd, false, 50, true).map((c, i) => (i % 2 ? enc.encode(c) : c));
    assert.deepEqual(streamed(mixed, options), whole, `seed ${seed}, mixed chunks`);
  }
  // The generated inputs do reach what the chunkings must not disturb.
  for (const [k, n] of Object.entries(seen)) assert.ok(n > 0, `some generated input has ${k}`);
});

test("SPEC §1, §7: inputs unreadable as a whole give the batch's answer at every cut", () => {
  const cases = [
    ["a first line that is not JSON", enc.encode(`{"id": "a",\n${SMALL}`)],
    ["invalid UTF-8 in the middle", Uint8Array.from([...enc.encode(SMALL.slice(0, 200)), 0xff, ...enc.encode(SMALL.slice(200))])],
    ["a sequence cut at the very end", enc.encode(SMALL + "\n\"😀").subarray(0, enc.encode(SMALL).length + 3)],
    ["an array broken after its first run", enc.encode(`[${SMALL.split("\n")[0]}, {"id": é}]`)],
  ];
  for (const [name, bytes] of cases) {
    const whole = summarizeRuns(bytes);
    assert.equal(whole.records, 0, name);
    assert.equal(whole.errorCount, 1, name);
    for (let i = 0; i <= bytes.length; i++) {
      assert.deepEqual(streamed([bytes.subarray(0, i), bytes.subarray(i)]), whole, `${name}, cut at byte ${i}`);
    }
  }
});

test("SPEC §7: empty chunks change nothing", () => {
  const whole = summarizeRuns(SMALL);
  assert.deepEqual(streamed(["", new Uint8Array(0), SMALL, "", new Uint8Array(0)]), whole);
});

test("SPEC §6: push after finish throws SyncRunError stream_finished, and so does a second finish", () => {
  const s = new SummaryStream();
  s.push(SMALL);
  s.finish();
  assert.throws(() => s.push("{}"), (e) => e instanceof Error && e.name === "SyncRunError" && e.code === "stream_finished");
  assert.throws(() => s.finish(), (e) => e.name === "SyncRunError" && e.code === "stream_finished");
  s.free();
});

test("SPEC §6: push of something that is neither a string nor a Uint8Array throws SyncRunError", () => {
  const s = new SummaryStream();
  for (const bad of [42, null, undefined, { id: "1" }, [1], new Uint16Array(2), new ArrayBuffer(2)]) {
    assert.throws(
      () => s.push(bad),
      (e) => e instanceof Error && e.name === "SyncRunError" && typeof e.code === "string",
      `push(${Object.prototype.toString.call(bad)})`,
    );
  }
  // The misuse did not disturb the stream.
  s.push(SMALL);
  assert.deepEqual(s.finish(), summarizeRuns(SMALL));
  s.free();
});

test("SPEC §6: wrong options throw SyncRunError invalid_option", () => {
  for (const bad of [{ format: "xml" }, { maxIssues: -1 }, { warningIsFailure: "yes" }, { unknownFields: 1 }, 7]) {
    assert.throws(() => new SummaryStream(bad), (e) => e.name === "SyncRunError" && e.code === "invalid_option", JSON.stringify(bad));
  }
});

test("SPEC §7: a stream dropped without finish can be freed, and the module stays usable", () => {
  const big = enc.encode(generate(99, 400));
  for (let i = 0; i < 200; i++) {
    const s = new SummaryStream();
    s.push(big.subarray(0, 1 + ((i * 7919) % (big.length - 1)))); // ends mid-record
    s.free();
  }
  // After free the object no longer reaches the module; using it throws rather than crashing.
  const s = new SummaryStream();
  s.push("{");
  s.free();
  assert.throws(() => s.push("}"));
  assert.deepEqual(streamed([SMALL]), summarizeRuns(SMALL));
});

test("SPEC §7: one UTF-16 unit per string chunk, and empty chunks between the halves of a pair", () => {
  const whole = summarizeRuns(SMALL);
  assert.deepEqual(streamed(Array.from({ length: SMALL.length }, (_, i) => SMALL[i])), whole);
  const cuts = [];
  for (let i = 0; i < SMALL.length; i++) cuts.push(SMALL[i], "");
  assert.deepEqual(streamed(cuts), whole);
});

test("SPEC §7: a lone first half of a pair, at the end or before bytes, is U+FFFD as in the whole text", () => {
  // A run whose error message ends with the raw UTF-16 unit `unit` (JSON.stringify would escape it).
  const { error: _, ...rest } = JSON.parse(SMALL.split("\n")[1]);
  const record = (id, message, unit) => `${JSON.stringify({ ...rest, id, error: message }).slice(0, -2)}${unit}"}`;
  // The text ends inside a lone first half: it is U+FFFD, as TextEncoder writes the whole text.
  const ending = `${SMALL}\n${record("lone-1", "x", "\ud83d")}`;
  const whole = summarizeRuns(ending);
  assert.equal(whole.topErrors.find((e) => e.lastRunId === "lone-1")?.lastMessage, "x\ufffd");
  assert.deepEqual(streamed([ending]), whole);
  assert.deepEqual(streamed([ending.slice(0, -2), ending.slice(-2)]), whole);
  assert.deepEqual(streamed([ending.slice(0, -3), ending.slice(-3, -2), "", ending.slice(-2)]), whole);
  // A first half, then a chunk of bytes: the half is U+FFFD, and the bytes are read as they are.
  const text = `${record("lone-2", "ab", "\ud83d")}\n`;
  const cut = text.indexOf("\ud83d") + 1;
  const got = streamed([text.slice(0, cut), new TextEncoder().encode(text.slice(cut))]);
  assert.deepEqual(got, summarizeRuns(text));
  assert.equal(got.topErrors[0].lastMessage, "ab\ufffd");
});

// CommonJS consumers: require("syncrun") works with no init call (SPEC §8).
const test = require("node:test");
const assert = require("node:assert/strict");
const { summarizeRuns, normalizeRun, SummaryStream } = require("syncrun");

test("SPEC §8: require() gives working functions synchronously", () => {
  const s = summarizeRuns('{"data": [], "hasMore": false}');
  assert.equal(s.records, 0);
  assert.equal(s.hasMore, false);
  assert.equal(normalizeRun("{}").valid, false);
  const stream = new SummaryStream();
  stream.push("");
  assert.equal(stream.finish().records, 0);
});

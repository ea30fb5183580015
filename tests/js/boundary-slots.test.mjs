// SPEC §1, §6, §9: the boundary tells binary values (ArrayBuffer, SharedArrayBuffer, views)
// from objects by their internal slots. In Node it asks util.types.isAnyArrayBuffer; where that
// is missing (browsers) it tests the slots through intrinsics that throw. Both ways must give
// the same answers: this runs the same calls here and in a Node without process.getBuiltinModule,
// where the package cannot reach node:util and takes the slot tests.
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

const PKG = new URL("../../pkg/node.js", import.meta.url).href;

// The calls, as source text: run here and in the child alike.
const CALLS = `
const outcome = (f) => {
  try {
    const r = f();
    return { ok: typeof r === "string" ? r.length : JSON.stringify(r).length };
  } catch (e) {
    return { code: e.code, message: e.message };
  }
};
const moved = Object.setPrototypeOf(new ArrayBuffer(8), Object.prototype);
const lookalike = Object.create(ArrayBuffer.prototype);
const tagged = { [Symbol.toStringTag]: "ArrayBuffer" };
const values = {
  ArrayBuffer: () => new ArrayBuffer(8),
  SharedArrayBuffer: () => new SharedArrayBuffer(8),
  DataView: () => new DataView(new ArrayBuffer(8)),
  Int8Array: () => new Int8Array(8),
  "ArrayBuffer with Object.prototype": () => moved,
  "object with ArrayBuffer.prototype": () => lookalike,
  "object tagged ArrayBuffer": () => tagged,
  "Proxy of an ArrayBuffer": () => new Proxy(new ArrayBuffer(8), {}),
};
const summary = api.summarizeRuns([]);
const health = api.checkHealth(summary, { now: 0 });
const results = {};
for (const [name, make] of Object.entries(values)) {
  results[name] = [
    outcome(() => api.summarizeRuns(make())),
    outcome(() => api.checkHealth(make(), { now: 0 })),
    outcome(() => api.checkHealth(summary, make())),
    outcome(() => api.formatMetrics(make())),
    outcome(() => api.formatMetrics(summary, make())),
    outcome(() => api.compareHealth(make(), health)),
  ];
}
`;

test("SPEC §1, §9: binary values are told from objects alike with and without node:util", async () => {
  const api = await import(PKG);
  const here = new Function("api", `${CALLS}\nreturn results;`)(api);
  const child = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `delete process.getBuiltinModule;
       if (process.getBuiltinModule !== undefined) throw new Error("getBuiltinModule is still there");
       const api = await import(${JSON.stringify(PKG)});
       ${CALLS}
       process.stdout.write(JSON.stringify(results));`,
    ],
    { encoding: "utf8" },
  );
  assert.deepEqual(JSON.parse(child), JSON.parse(JSON.stringify(here)));
  // The answers themselves: buffers and views refused, lookalikes read as objects.
  for (const name of ["ArrayBuffer", "SharedArrayBuffer", "DataView", "Int8Array", "ArrayBuffer with Object.prototype"]) {
    const [summarize, check, options, metrics, metricsOptions, compare] = here[name];
    assert.equal(summarize.code, "unsupported_input", name);
    assert.match(check.message, /^summary must be an object/, name);
    assert.equal(options.code, "invalid_option", name);
    assert.match(metrics.message, /^summary must be an object/, name);
    assert.equal(metricsOptions.code, "invalid_option", name);
    assert.match(compare.message, /^previous must be an object/, name);
  }
  for (const name of ["object with ArrayBuffer.prototype", "object tagged ArrayBuffer", "Proxy of an ArrayBuffer"]) {
    const [summarize, check, options, , metricsOptions] = here[name];
    assert.ok(summarize.ok > 0, name); // read as a JSON value: {}
    assert.equal(check.code, "invalid_summary", name);
    assert.match(check.message, /^summary\.records /, name);
    assert.ok(options.ok > 0, name); // options with no known key
    assert.ok(metricsOptions.ok > 0, name);
  }
});

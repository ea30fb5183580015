// A strict consumer of syncrun/hightouch (SPEC §11). tests/js/hightouch.test.mjs compiles it
// under node16, nodenext and bundler with lib ES2022 only: no DOM, no @types/node. The lines
// marked ts-expect-error prove the options are typed, not `any`.
import { fetchRuns, type FetchRunsOptions, type AbortSignalLike } from "syncrun/hightouch";

// Shaped like an AbortSignal (Node's and the DOM's are both assignable to AbortSignalLike).
const signal: AbortSignalLike = {
  aborted: false,
  reason: undefined,
  addEventListener: (_type: "abort", _listener: () => void) => {},
  removeEventListener: () => {},
};
const options: FetchRunsOptions = { syncId: "123", since: "2024-05-01T00:00:00Z", maxRuns: 500, signal };
const minimal: FetchRunsOptions = { syncId: 123, apiKey: undefined };

export async function count(): Promise<number> {
  let bytes = 0;
  for await (const page of fetchRuns(options)) {
    const chunk: Uint8Array = page;
    bytes += chunk.byteLength;
  }
  return bytes + (await fetchRuns(minimal).next()).value!.length;
}

// @ts-expect-error syncId is required
const noSync: FetchRunsOptions = { apiKey: "k" };
// @ts-expect-error maxRuns is a number
const badMax: FetchRunsOptions = { syncId: 1, maxRuns: "10" };
void [noSync, badMax];

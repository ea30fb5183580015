// syncrun/hightouch takes the DOM's AbortSignal as it is (compiled with lib DOM by
// tests/js/hightouch.test.mjs; tests/ts/hightouch.ts is the no-DOM consumer).
import { fetchRuns } from "syncrun/hightouch";

const pages: AsyncIterableIterator<Uint8Array> = fetchRuns({ syncId: 1, signal: new AbortController().signal });
const timed = fetchRuns({ syncId: "1", signal: AbortSignal.timeout(1000) });
void [pages, timed];

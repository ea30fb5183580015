// A worker thread of `syncrun summarize` (and `check`) for a big NDJSON file: one part of the
// file, a byte range that starts and ends at a line boundary, read into its own SummaryStream
// and saved (SPEC §7.1's map step). The command line merges the saved parts in order into the
// part it read itself (the reduce step, `mergeSaved`), which gives the one-thread summary.
//
// workerData: { file, start, end, options }. Posts { progress: bytes } as it reads (every
// 8 MiB), then { state } (the saved bytes, transferred) or { error } (a message).
import { parentPort, workerData } from "node:worker_threads";
import { open } from "node:fs/promises";
import { SummaryStream } from "./node.js";

const CHUNK = 1 << 20;
const { file, start, end, options } = workerData;

async function summarizePart() {
  const stream = new SummaryStream(options);
  const handle = await open(file, "r");
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let at = start;
    let unreported = 0;
    while (at < end) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(CHUNK, end - at), at);
      if (bytesRead === 0) break; // the file got shorter since it was split
      stream.push(buf.subarray(0, bytesRead));
      at += bytesRead;
      unreported += bytesRead;
      if (unreported >= 8 * CHUNK) {
        parentPort.postMessage({ progress: unreported });
        unreported = 0;
      }
    }
    if (unreported > 0) parentPort.postMessage({ progress: unreported });
    return stream.save();
  } finally {
    stream.free();
    await handle.close();
  }
}

summarizePart().then(
  (state) => parentPort.postMessage({ state }, [state.buffer]),
  (e) => parentPort.postMessage({ error: e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? e) }),
);

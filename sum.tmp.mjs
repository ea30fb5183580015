import { SummaryStream } from "syncrun";
import { createReadStream } from "node:fs";
const s = new SummaryStream({ maxBytes: Infinity });
const t0 = Date.now();
for await (const c of createReadStream(process.argv[2], { highWaterMark: 1 << 20 })) s.push(c);
const r = s.finish();
console.log(Date.now() - t0, "ms", r.records, r.valid, r.errorCount, r.warningCount, JSON.stringify(r.durationMs));

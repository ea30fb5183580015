// The command line's HTTP client for `syncrun/hightouch` (SPEC §11): node:http and node:https
// with kept-alive connections, in place of the global fetch. The CLI starts a fresh process for
// every command, and a fresh process's fetch (undici, loaded and compiled on first use) costs
// about three times the CPU per request that node:http does, which on a 2-core machine is the
// difference between the client being the bottleneck and not. Same contract as the fetch client
// in hightouch.js: `get(url, headers, signal)` resolves when the answer's head is in, to
// `{ status, header(name), body() }`; `body()` resolves to the whole body as text (decompressed),
// and rejects if the connection drops first. Both reject with the signal's reason when it aborts.
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { brotliDecompress, gunzip, inflate } from "node:zlib";

// Idle kept-alive sockets are unref'd by the agent, so they never hold the process open.
const agents = { "http:": new HttpAgent({ keepAlive: true }), "https:": new HttpsAgent({ keepAlive: true }) };
const decoders = { gzip: gunzip, "x-gzip": gunzip, deflate: inflate, br: brotliDecompress };

/** A network failure, shaped as fetch's (`cause` carries the system error and its code). */
function failed(cause) {
  return Object.assign(new TypeError("fetch failed"), { cause });
}

/** UTF-8 text as fetch's `text()` decodes it: a byte order mark dropped, bad bytes U+FFFD. */
function text(bytes) {
  const s = bytes.toString("utf8");
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

export function get(url, headers, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    let answered = false;
    let req;
    try {
      req = send(target, { headers: { ...headers, "accept-encoding": "gzip, deflate, br" }, agent: agents[target.protocol] });
    } catch (e) {
      return reject(failed(e));
    }
    let settleBody = null; // the body's reject, once the head is in
    const onAbort = () => {
      req.destroy();
      if (answered) settleBody?.(signal.reason);
      else reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const done = () => signal.removeEventListener("abort", onAbort);
    req.on("error", (e) => {
      if (signal.aborted) return;
      if (!answered) {
        done();
        reject(failed(e));
      } else settleBody?.(failed(e));
    });
    req.on("response", (res) => {
      answered = true;
      const parts = [];
      const body = new Promise((ok, no) => {
        settleBody = (e) => {
          done();
          no(e);
        };
        res.on("data", (part) => parts.push(part));
        res.on("error", (e) => settleBody(signal.aborted ? signal.reason : failed(e)));
        res.on("close", () => {
          if (!res.complete) settleBody(signal.aborted ? signal.reason : failed(Object.assign(new Error("the connection closed before the body ended"), { code: "ECONNRESET" })));
        });
        res.on("end", () => {
          const raw = parts.length === 1 ? parts[0] : Buffer.concat(parts);
          const encoding = String(res.headers["content-encoding"] ?? "identity").trim().toLowerCase();
          const finish = (e, bytes) => {
            done();
            if (signal.aborted) no(signal.reason);
            else if (e) no(failed(e));
            else ok(text(bytes));
          };
          if (encoding === "identity" || encoding === "") finish(null, raw);
          else if (Object.hasOwn(decoders, encoding)) decoders[encoding](raw, finish);
          else finish(new Error(`the answer is in an encoding this client does not read (${encoding})`));
        });
      });
      body.catch(() => {}); // a body never read (an error answer's) must not be an unhandled rejection
      resolve({ status: res.statusCode, header: (name) => (res.headers[name.toLowerCase()] ?? null), body: () => body });
    });
    req.end();
  });
}

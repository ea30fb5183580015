// hightouch.test.mjs again, with the node:http client (pkg/http.js) that the command line hands to
// fetchRuns in place of the global fetch: paging, errors, retries, dropped connections, time-outs,
// pacing and abort, SPEC §11, through the other client. Then what only that client does itself:
// decompressing, and the text as fetch's text() decodes it.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { get } from "../../pkg/http.js";

process.env.SYNCRUN_HTTP = "node";
await import("./hightouch.test.mjs");

/** A server on 127.0.0.1 answering every request with `answer(req, res)`, for the body of `run(url)`. */
async function serve(answer, run) {
  const server = createServer(answer);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await run(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const PAGE = JSON.stringify({ data: [{ id: "1", status: "success", note: "é ✓ 𝄞" }], hasMore: false });
const signal = () => new AbortController().signal;

describe("pkg/http.js, the command line's client (SPEC §11)", () => {
  for (const [encoding, pack] of [["gzip", gzipSync], ["x-gzip", gzipSync], ["deflate", deflateSync], ["br", brotliCompressSync], ["identity", (b) => b]]) {
    test(`a ${encoding} body is read as its text`, async () => {
      await serve(
        (req, res) => {
          assert.match(req.headers["accept-encoding"], /gzip/);
          res.writeHead(200, { "content-encoding": encoding });
          res.end(pack(Buffer.from(PAGE)));
        },
        async (url) => {
          const r = await get(`${url}/x`, { accept: "application/json" }, signal());
          assert.equal(r.status, 200);
          assert.equal(await r.body(), PAGE);
        },
      );
    });
  }

  test("a body in an unknown encoding, or a corrupt gzip body, rejects body(); the status still came", async () => {
    for (const [encoding, bytes] of [["zstd-nope", Buffer.from(PAGE)], ["gzip", Buffer.from("not gzip at all")]]) {
      await serve(
        (req, res) => {
          res.writeHead(200, { "content-encoding": encoding });
          res.end(bytes);
        },
        async (url) => {
          const r = await get(`${url}/x`, {}, signal());
          assert.equal(r.status, 200);
          await assert.rejects(r.body(), (e) => e instanceof TypeError && e.cause instanceof Error, encoding);
        },
      );
    }
  });

  test("text as fetch decodes it: a byte order mark dropped, bad UTF-8 as U+FFFD", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"'), Buffer.from([0xff, 0xc3]), Buffer.from('"}')]);
    await serve(
      (req, res) => res.end(bytes),
      async (url) => {
        const mine = await (await get(`${url}/x`, {}, signal())).body();
        const theirs = await (await fetch(`${url}/x`)).text();
        assert.equal(mine, theirs);
        assert.equal(mine, '{"a":"\uFFFD\uFFFD"}');
      },
    );
  });

  test("headers: the ones given are sent, answers' are read by any case; a redirect is not followed", async () => {
    await serve(
      (req, res) => {
        assert.equal(req.headers.authorization, "Bearer k");
        res.writeHead(301, { location: "/elsewhere", "Retry-After": "7" });
        res.end();
      },
      async (url) => {
        const r = await get(`${url}/x`, { authorization: "Bearer k" }, signal());
        assert.equal(r.status, 301);
        assert.equal(r.header("retry-after"), "7");
        assert.equal(r.header("Retry-After"), "7");
        assert.equal(r.header("x-missing"), null);
      },
    );
  });

  test("a refused connection rejects with fetch's shape (cause.code); an abort rejects with the signal's reason, before and during the body", async () => {
    await assert.rejects(get("http://127.0.0.1:1/x", {}, signal()), (e) => e instanceof TypeError && e.cause?.code === "ECONNREFUSED");
    const reason = new Error("stop");
    await assert.rejects(get("http://127.0.0.1:1/x", {}, AbortSignal.abort(reason)), (e) => e === reason);
    await serve(
      (req, res) => {
        res.writeHead(200, { "content-length": "100" });
        res.write("{");
      },
      async (url) => {
        const c = new AbortController();
        const r = await get(`${url}/x`, {}, c.signal);
        const body = r.body();
        c.abort(reason);
        await assert.rejects(body, (e) => e === reason);
      },
    );
  });
});

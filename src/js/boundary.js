// The JavaScript half of src/wasm.rs: what is easier said in JavaScript than through js-sys.
// wasm-bindgen copies this file into the package as a snippet; nothing else imports it.

/** Thrown when a function is called wrongly (SPEC §6); bad data is never thrown. */
export class SyncRunError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "SyncRunError";
    this.code = code;
  }
}

export function syncRunError(code, message) {
  return new SyncRunError(code, message);
}

// A parsed JS value becomes JSON text for the one reader the core has. Misuse is returned as a
// SyncRunError, not thrown: an exception caught by wasm-bindgen's `catch` import leaks a table
// slot per call (seen with 0.2.130), and 10,000 bad calls must leave memory as it was. JSON.stringify is the
// fast path; it loses what JSON cannot say (NaN, ±Infinity) and throws on BigInt, so a quick
// walk first looks for those, and only then is the careful writer below used.
// The text comes back as a JsonWriter, which src/wasm.rs asks to write it into wasm memory.
export function valueToJson(value) {
  try {
    return toJson(value);
  } catch (e) {
    return e instanceof SyncRunError ? e : new SyncRunError("unsupported_input", `the input cannot be read as a JSON value: ${e && e.message}`);
  }
}

function toJson(value) {
  const t = typeof value;
  if (t === "undefined" || t === "function" || t === "symbol" || t === "bigint") {
    throw new SyncRunError("unsupported_input", `expected JSON text (string or Uint8Array) or a parsed JSON value, got ${t}`);
  }
  if (value instanceof ArrayBuffer || (ArrayBuffer.isView(value) && !(value instanceof Uint8Array))) {
    throw new SyncRunError("unsupported_input", "binary input must be a Uint8Array (or a Node Buffer) of UTF-8 text");
  }
  // (Saved and restored: a getter in the value may call this package again.)
  const outer = hasToJSON;
  hasToJSON = false;
  try {
    if (!plain(value, 0)) return new JsonWriter(whole(careful(value, new Set())));
    return new JsonWriter(hasToJSON ? whole(JSON.stringify(value)) : pieces(value));
  } finally {
    hasToJSON = outer;
  }
}

const ENCODER = new TextEncoder();
const COMMA = 44;

// The JSON text of a value, written into wasm memory a stretch at a time (src/wasm.rs
// `write_json`). V8 builds a long JSON.stringify result as a rope, which has to be copied flat
// before it can be encoded: on 100,000 runs that copy took a fifth of the stringify's own time.
// So a long array (the runs, at the top or in the envelope) is stringified 64 elements at a
// time (see `pieces`), and each piece is encoded as soon as it is made, while it is young and in
// cache (keeping them all for later was slower than the rope).
export class JsonWriter {
  constructor(pieces) {
    this.pieces = pieces;
    this.text = ""; // the piece being written, or what is left of it
    this.kind = WHOLE;
    this.fresh = false; // nothing of this piece written yet
  }

  // Write into `view` (a Uint8Array) until it is full or the text is complete: the number of
  // bytes written, or -1 - that number once the text is complete. A SyncRunError if a value
  // could not be written after all (a getter that throws only the second time it is read).
  write(view) {
    try {
      let at = 0;
      for (;;) {
        if (this.text === "") {
          const next = this.pieces.next();
          if (next.done) return -1 - at;
          [this.text, this.kind] = next.value;
          this.fresh = true;
        }
        const { read, written } = ENCODER.encodeInto(this.text, view.subarray(at));
        if (written > 0 && this.fresh) {
          // A later slice of an array: its "[" becomes the "," between elements.
          if (this.kind === LATER) view[at] = COMMA;
          this.fresh = false;
        }
        at += written;
        if (read < this.text.length) {
          this.text = this.text.slice(read);
          return at;
        }
        // A slice of an array ends in the "]" that only the array's last piece writes.
        if (this.kind !== WHOLE) at -= 1;
        this.text = "";
      }
    } catch (e) {
      return new SyncRunError("unsupported_input", `the input cannot be read as a JSON value: ${e && e.message}`);
    }
  }
}

// JSON.stringify(v) as pieces whose concatenation is the same text. V8 builds a long
// JSON.stringify result as a rope, which must then be copied flat before it can be encoded: on
// 100,000 runs that copy cost a fifth of the stringify itself. A long array (the runs, at the
// top or as a member of the envelope) is stringified 64 elements at a time instead; the pieces
// stay small and in cache. Not for values with a toJSON method, whose key argument would be
// the index within the slice (plain() notes them).
const PIECE = 64;
// What a piece is: text to write as it is, the first slice of an array, or a later one.
const WHOLE = 0;
const FIRST = 1;
const LATER = 2;

function* whole(text) {
  yield [text, WHOLE];
}

// JSON.stringify(v), as pieces [text, kind] whose texts, with the slices' brackets adjusted by
// JsonWriter, make the same JSON text. Not for values with a toJSON method, whose key argument
// would be the index within the slice (plain() notes them).
function* pieces(v) {
  const long = (x) => Array.isArray(x) && x.length > PIECE;
  if (long(v)) return yield* split(v);
  if (typeof v !== "object" || v === null || Array.isArray(v)) return yield [JSON.stringify(v), WHOLE];
  const keys = Object.keys(v);
  if (!keys.some((k) => long(v[k]))) return yield [JSON.stringify(v), WHOLE];
  // An envelope: its members in JSON.stringify's order (own enumerable keys; undefined,
  // functions and symbols left out), the long arrays among them in slices.
  let sep = "{";
  for (const k of keys) {
    const x = v[k];
    if (omitted(x)) continue;
    if (long(x)) {
      yield [sep + JSON.stringify(k) + ":", WHOLE];
      yield* split(x);
    } else {
      yield [sep + JSON.stringify(k) + ":" + JSON.stringify(x), WHOLE];
    }
    sep = ",";
  }
  yield ["}", WHOLE];
}

function* split(array) {
  for (let i = 0; i < array.length; i += PIECE) {
    yield [JSON.stringify(Array.prototype.slice.call(array, i, i + PIECE)), i === 0 ? FIRST : LATER];
  }
  yield ["]", WHOLE];
}

let hasToJSON = false;

// True when JSON.stringify says exactly what the value holds. Conservative, and fast: `for...in`
// without an own-property test also visits inherited enumerable keys (a false "no" only sends
// the value to the careful writer), and skipping the test made this walk a third faster.
// Primitives are checked in the loops, so that only objects cost a call (another third).
function plain(v, depth) {
  if (typeof v === "number") return v - v === 0; // false for NaN and ±Infinity
  if (typeof v !== "object" || v === null) return typeof v !== "bigint";
  if (depth > 64) return false; // deep or cyclic: let the careful writer decide
  if (typeof v.toJSON === "function") return (hasToJSON = true);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!member(v[i], depth)) return false;
    return true;
  }
  for (const k in v) if (!member(v[k], depth)) return false;
  return true;
}

function member(x, depth) {
  switch (typeof x) {
    case "object":
      return x === null || plain(x, depth + 1);
    case "number":
      return x - x === 0;
    case "bigint":
      return false;
    default:
      return true;
  }
}

// JSON.stringify's rules, except: ±Infinity and NaN are written as out-of-range numbers (1e999),
// which the reader takes as non-finite and reports as invalid_number; BigInts as their digits.
function careful(v, seen) {
  switch (typeof v) {
    case "number":
      if (Number.isFinite(v)) return JSON.stringify(v);
      return v < 0 ? "-1e999" : "1e999";
    case "bigint":
      return v.toString();
    case "string":
    case "boolean":
      return JSON.stringify(v);
    case "object": {
      if (v === null) return "null";
      if (typeof v.toJSON === "function") return careful(v.toJSON(), seen);
      if (seen.has(v)) throw new SyncRunError("unsupported_input", "the input value is cyclic");
      seen.add(v);
      let out;
      if (Array.isArray(v)) {
        out = "[" + Array.from(v, (x) => (omitted(x) ? "null" : careful(x, seen))).join(",") + "]";
      } else {
        const parts = [];
        for (const k of Object.keys(v)) {
          if (!omitted(v[k])) parts.push(JSON.stringify(k) + ":" + careful(v[k], seen));
        }
        out = "{" + parts.join(",") + "}";
      }
      seen.delete(v);
      return out;
    }
    default:
      return "null";
  }
}

function omitted(x) {
  const t = typeof x;
  return t === "undefined" || t === "function" || t === "symbol";
}

// normalizeRuns' runs, built from columns (src/wasm.rs `Columns`): one string table and one
// number per field. Object literals of one shape are what V8 builds fastest, and string fields
// are slices of the table; this costs a fraction of JSON.parse on the same runs.
const STATUSES = ["success", "warning", "failed", "cancelled", "interrupted", "queued", "querying", "processing", "reporting"];
const STRIDE = 21;

export function buildRuns(table, nums, count) {
  const runs = new Array(count);
  for (let i = 0, o = 0; i < count; i++, o += STRIDE) {
    const started = nums[o + 4];
    const finished = nums[o + 5];
    const error = nums[o + 17];
    const created = nums[o + 3];
    const run = {
      id: table.slice(nums[o], nums[o + 1]),
      status: STATUSES[nums[o + 2]],
      createdAt: table.slice(created, created + 24),
      startedAt: started < 0 ? null : table.slice(started, started + 24),
      finishedAt: finished < 0 ? null : table.slice(finished, finished + 24),
      completionRatio: nums[o + 6],
      querySize: nums[o + 7],
      plannedRows: { addedCount: nums[o + 8], changedCount: nums[o + 9], removedCount: nums[o + 10] },
      successfulRows: { addedCount: nums[o + 11], changedCount: nums[o + 12], removedCount: nums[o + 13] },
      failedRows: { addedCount: nums[o + 14], changedCount: nums[o + 15], removedCount: nums[o + 16] },
      error: error < 0 ? null : table.slice(error, nums[o + 18]),
    };
    const extras = nums[o + 19];
    if (extras >= 0) addExtras(run, JSON.parse(table.slice(extras, nums[o + 20])));
    runs[i] = run;
  }
  return runs;
}

// Kept unknown keys ([top, plannedRows, successfulRows, failedRows]), defined as plain data: a
// key named "__proto__" must not reach the prototype setter that assignment would call.
function addExtras(run, [top, planned, successful, failed]) {
  define(run, top);
  define(run.plannedRows, planned);
  define(run.successfulRows, successful);
  define(run.failedRows, failed);
}

function define(target, extras) {
  for (const key of Object.keys(extras)) {
    Object.defineProperty(target, key, { value: extras[key], writable: true, enumerable: true, configurable: true });
  }
}

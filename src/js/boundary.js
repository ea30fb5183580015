// The JavaScript half of src/wasm.rs: what is easier said in JavaScript than through js-sys.
// wasm-bindgen copies this file into the package as a snippet; nothing else imports it.
//
// Every function src/wasm.rs calls here returns its failure as a value (a SyncRunError) and
// never throws: an exception unwinding through the Rust frames below it would skip their
// clean-up (the shadow stack, the externref slots, a borrowed stream), and a few thousand of
// them would leave the instance dead (SPEC §6, STYLE §8). wasm-bindgen's own `catch` imports
// turn an exception into a value too, but the values they hand over are the user's raw
// exceptions, so the functions here catch for themselves and say what went wrong.

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

// ---------------------------------------------------------------------------------------------
// Intrinsics, taken when this module loads: an input's own (possibly overridden or lying)
// properties are never asked for its size, its buffer or its kind.

const uncurry = (f) => Function.prototype.call.bind(f);
const getter = (o, key) => uncurry(Reflect.getOwnPropertyDescriptor(o, key).get);
const optionalGetter = (o, key) => {
  const d = o && Reflect.getOwnPropertyDescriptor(o, key);
  return d && d.get ? uncurry(d.get) : null;
};
const TypedArrayPrototype = Reflect.getPrototypeOf(Uint8Array.prototype);
// undefined (never a throw, never a Proxy trap) for anything but a real typed array.
const typedArrayName = getter(TypedArrayPrototype, Symbol.toStringTag);
const typedArrayLength = getter(TypedArrayPrototype, "length");
const typedArrayOffset = getter(TypedArrayPrototype, "byteOffset");
const typedArrayBuffer = getter(TypedArrayPrototype, "buffer");
const arrayBufferLength = getter(ArrayBuffer.prototype, "byteLength");
const arrayBufferDetached = optionalGetter(ArrayBuffer.prototype, "detached"); // Node 22+, not 20
const sharedLength = optionalGetter(globalThis.SharedArrayBuffer?.prototype, "byteLength");
const memoryBuffer = getter(WebAssembly.Memory.prototype, "buffer");
const mapSize = getter(Map.prototype, "size");
const setSize = getter(Set.prototype, "size");
const numberValue = uncurry(Number.prototype.valueOf);
const stringValue = uncurry(String.prototype.valueOf);
const booleanValue = uncurry(Boolean.prototype.valueOf);
const bigintValue = uncurry(BigInt.prototype.valueOf);
const bigintString = uncurry(BigInt.prototype.toString);
const stringSlice = uncurry(String.prototype.slice);
const arraySlice = uncurry(Array.prototype.slice);
const u8Set = uncurry(Uint8Array.prototype.set);
const encodeInto = uncurry(TextEncoder.prototype.encodeInto);
const call = uncurry(Function.prototype.call);
const { isView } = ArrayBuffer;
const { isArray } = Array;
const { getPrototypeOf } = Reflect;
const { keys: ownKeys } = Object;
const { stringify } = JSON;
const ObjectPrototype = Object.prototype;
const ArrayPrototype = Array.prototype;
const U8 = Uint8Array;
const ENCODER = new TextEncoder();
const ToNumber = Number;
const ToString = String;

/** Whether `f(x)` runs without throwing: a test of an internal slot through an intrinsic. The
 * "no" is a TypeError, and V8 records a stack trace for each one: with the limit at 0 while the
 * intrinsic runs (no user code runs inside it) that costs a tenth as much, which is most of a
 * checkHealth call's time. */
function has(f, x) {
  let limit;
  let limited = false;
  try {
    limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    limited = true;
  } catch {
    // A frozen Error: the test still works, only slower.
  }
  try {
    f(x);
    return true;
  } catch {
    return false;
  } finally {
    if (limited) {
      try {
        Error.stackTraceLimit = limit;
      } catch {
        // (It could be set a moment ago.)
      }
    }
  }
}

/** What a thrown value says, without trusting it: its `message` may be a throwing getter, and
 * the value a revoked Proxy, whose every operation throws. */
function describe(e) {
  try {
    const message = typeof e === "object" && e !== null ? e.message : e;
    const text = typeof message === "string" ? message : typeof message === "symbol" ? "a symbol" : ToString(message);
    return text.length > 200 ? `${stringSlice(text, 0, 200)}…` : text;
  } catch {
    return "(an exception that cannot be described)";
  }
}

/** What this module throws itself (a WeakSet: `instanceof` on a thrown revoked Proxy throws,
 * and on a live one runs its trap). */
const OURS = new WeakSet();

/** A thrown value as the SyncRunError to return: ours as they are, anything else wrapped. */
function failure(e, code, what) {
  if (OURS.has(e) && e instanceof SyncRunErrorMark) return e.error;
  return new SyncRunError(code, `${what}: ${describe(e)}`);
}

/** Thrown by the code here (never by a user's getter) to carry a SyncRunError out of a walk. */
class SyncRunErrorMark {
  constructor(code, message) {
    this.error = new SyncRunError(code, message);
    OURS.add(this);
  }
}

function binaryKind(x) {
  return isView(x) || has(arrayBufferLength, x) || (sharedLength !== null && has(sharedLength, x));
}

function detached(buffer) {
  if (!has(arrayBufferLength, buffer)) return false; // a SharedArrayBuffer cannot be detached
  if (arrayBufferDetached !== null) return arrayBufferDetached(buffer);
  if (arrayBufferLength(buffer) !== 0) return false;
  return !has((b) => new U8(b, 0, 0), buffer); // Node 20 has no `detached`: a view of it throws
}

// ---------------------------------------------------------------------------------------------
// Inputs (SPEC §1, §3.1). src/wasm.rs asks for the size first, checks it against maxBytes, and
// only then has the bytes copied, in exactly that number, into memory it has allocated.

/** The byte length of a Uint8Array input; -1 for any other input; or the SyncRunError. */
/** The last value binaryLength found not binary: src/wasm.rs hands it to valueToJson next, with
 * no JavaScript between, so that the slot tests (each a thrown TypeError) are not run twice. */
let notBinary;

export function binaryLength(input) {
  try {
    if (typedArrayName(input) === "Uint8Array") {
      const n = typedArrayLength(input);
      if (n === 0 && detached(typedArrayBuffer(input))) {
        return new SyncRunError("unsupported_input", "the Uint8Array's buffer is detached (it was transferred)");
      }
      return n;
    }
    if (typeof input === "object" && input !== null && binaryKind(input)) {
      return new SyncRunError("unsupported_input", "binary input must be a Uint8Array (or a Node Buffer) of UTF-8 text");
    }
    notBinary = input;
    return -1;
  } catch (e) {
    return failure(e, "unsupported_input", "the input cannot be read");
  }
}

/** Copy `len` bytes of the Uint8Array `input`, from its byte `from`, to wasm memory at `ptr`:
 * the number copied, or the SyncRunError. */
export function copyBytes(input, memory, ptr, from, len) {
  try {
    const source = new U8(typedArrayBuffer(input), typedArrayOffset(input) + from, len);
    u8Set(new U8(memoryBuffer(memory), ptr, len), source);
    return len;
  } catch (e) {
    return failure(e, "unsupported_input", "the Uint8Array cannot be read");
  }
}

let lastRead = 0;

/** Encode `s` from UTF-16 unit `from` into wasm memory at `ptr`, at most `len` bytes (never a
 * character cut): the bytes written; `encodedUnits()` then gives the units read. The view is
 * made here, after any JavaScript that may have grown the memory. */
export function encodeAt(s, from, memory, ptr, len) {
  try {
    const result = encodeInto(ENCODER, from === 0 ? s : stringSlice(s, from), new U8(memoryBuffer(memory), ptr, len));
    lastRead = result.read;
    return result.written;
  } catch (e) {
    return failure(e, "unsupported_input", "the text cannot be encoded");
  }
}

export function encodedUnits() {
  return lastRead;
}

// ---------------------------------------------------------------------------------------------
// Options (SPEC §8): each read once, here, where a getter that throws can be caught.

/** null when options are absent; a SyncRunError when they are not an object. */
export function optionsError(options) {
  if (options === undefined || options === null) return null;
  try {
    if (typeof options !== "object" || isArray(options)) return new SyncRunError("invalid_option", "options must be an object");
    return null;
  } catch (e) {
    return failure(e, "invalid_option", "options cannot be read");
  }
}

/** `Array.isArray(v)`; false where it throws (a revoked Proxy). */
export function isArrayValue(v) {
  try {
    return isArray(v);
  } catch {
    return false;
  }
}

/** `[options[key]]`, or the SyncRunError when reading it throws. */
export function getOption(options, key) {
  try {
    return [options[key]];
  } catch (e) {
    return failure(e, "invalid_option", `option ${key} cannot be read`);
  }
}

// ---------------------------------------------------------------------------------------------
// Parsed values (SPEC §1): the JSON text JSON.stringify would write, value by value, except
// that a non-finite number is written as an out-of-range number (1e999, which the reader takes
// as non-finite and reports at its own path), a BigInt as its digits, and a Map or Set is
// refused. What comes back to src/wasm.rs is a JsonWriter, whose `next()` gives the text a piece
// at a time, or one of these numbers:
const DONE = -1;
const TOO_LARGE = -2; // more UTF-16 units than maxBytes: surely more bytes
const NO_MEMORY = -3; // more text than could ever be copied into wasm memory
const TOO_DEEP = -4; // nesting deeper than 256 (invalid_json at the whole input)

const DEPTH = 256;
/** JSON.stringify's result for one piece of an array: 64 elements. */
const PIECE = 64;
/** The careful writer hands its text on in pieces of about this many units. */
const FLUSH = 1 << 16;
/** The careful writer keeps its text in JavaScript until it is done: at most this much. */
const HARD_LIMIT = 2 ** 30;

/** Thrown inside a walk to stop it with one of the numbers above. */
class Stop {
  constructor(code) {
    this.code = code;
    OURS.add(this);
  }
}

/** A value's JSON text as src/wasm.rs reads it: a JsonWriter, a number above, or the
 * SyncRunError. `max` is maxBytes: the text stops as soon as it is surely longer. */
export function valueToJson(value, max) {
  const outer = [visits, visitLimit, lastMax, rootHasLong]; // a getter in the value may call this package again
  try {
    const t = typeof value;
    if (t === "undefined" || t === "function" || t === "symbol") {
      return new SyncRunError("unsupported_input", `expected JSON text (string or Uint8Array) or a parsed JSON value, got ${t}`);
    }
    if (t !== "object" || value === null) return new JsonWriter(carefulText(value, max), max);
    const known = value === notBinary;
    notBinary = undefined;
    if (!known && binaryKind(value)) {
      return new SyncRunError("unsupported_input", "binary input must be a Uint8Array (or a Node Buffer) of UTF-8 text");
    }
    visits = 0;
    rootHasLong = false;
    lastMax = max;
    visitLimit = Math.min(max, HARD_LIMIT * 4); // past 4 GiB it could not be copied anyway
    const fast = plain(value, 1);
    return new JsonWriter(fast ? pieces(value, rootHasLong) : carefulText(value, max), max);
  } catch (e) {
    if (OURS.has(e) && e instanceof Stop) return e.code;
    return failure(e, "unsupported_input", "the input cannot be read as a JSON value");
  } finally {
    [visits, visitLimit, lastMax, rootHasLong] = outer;
  }
}

/** The text of a value, a piece at a time (src/wasm.rs asks for the next until DONE). */
export class JsonWriter {
  constructor(pieces, max) {
    this.pieces = pieces;
    this.max = max;
    this.units = 0;
  }

  /** The next piece of text; DONE; TOO_LARGE; or the SyncRunError (a getter that throws only
   * the second time it is read, say). */
  next() {
    try {
      const next = this.pieces.next();
      if (next.done) return DONE;
      const text = next.value;
      this.units += text.length;
      return this.units > this.max ? TOO_LARGE : text;
    } catch (e) {
      if (OURS.has(e) && e instanceof Stop) return e.code;
      return failure(e, "unsupported_input", "the input cannot be read as a JSON value");
    }
  }
}

// The fast lane: JSON.stringify itself, when a quick walk shows that it says exactly what the
// value holds: plain objects and arrays only (so no toJSON, no boxed primitive, no Map or Set,
// no class), finite numbers, no BigInt, at most 256 deep. A "no" sends the value to the careful
// writer, which gives the same text for every value this walk accepts: the two agree by
// construction, not by luck. The walk stops as soon as the value has more members than
// maxBytes (every member is at least one byte of text).
let visits = 0;
let visitLimit = 0;
let lastMax = 0;
let rootHasLong = false;

function plain(v, depth) {
  if (depth > DEPTH) return false;
  const p = getPrototypeOf(v);
  if (p === ArrayPrototype) {
    if (!isArray(v) || typeof v.toJSON === "function") return false;
    const n = v.length;
    // n elements and their commas: at least 2n bytes.
    if ((visits += 2 * n) > visitLimit) throw new Stop(visits > lastMax ? TOO_LARGE : NO_MEMORY);
    for (let i = 0; i < n; i++) if (!member(v[i], depth)) return false;
    return true;
  }
  if (p !== ObjectPrototype || typeof v.toJSON === "function") return false;
  // `for...in` also visits inherited enumerable keys: a false "no" only costs the careful writer.
  for (const k in v) {
    const x = v[k];
    if (x !== undefined && ++visits > visitLimit) throw new Stop(visits > lastMax ? TOO_LARGE : NO_MEMORY);
    if (!member(x, depth)) return false;
    if (depth === 1 && long(x)) rootHasLong = true; // an envelope: pieces() slices its runs
  }
  return true;
}

function member(x, depth) {
  switch (typeof x) {
    case "object":
      return x === null || plain(x, depth + 1);
    case "number":
      return x - x === 0; // false for NaN and ±Infinity
    case "bigint":
      return false;
    default:
      return true;
  }
}

// V8 builds a long JSON.stringify result as a rope, which has to be copied flat before it can
// be encoded: on 100,000 runs that copy took a fifth of the stringify's own time. So a long
// array (the runs, at the top or in the envelope) is stringified 64 elements at a time, and each
// piece is encoded as soon as it is made, while it is young and in cache.
function* pieces(v, envelope) {
  if (long(v)) return yield* split(v);
  if (isArray(v) || !envelope) return yield stringify(v);
  // Each member read once here (the walk read it once before), then written from that value.
  const members = ownKeys(v).map((k) => [k, v[k]]);
  // An envelope: its members in JSON.stringify's order (own enumerable keys; undefined,
  // functions and symbols left out), the long arrays among them in slices.
  let sep = "{";
  for (const [k, x] of members) {
    if (omitted(x)) continue;
    if (long(x)) {
      yield `${sep}${stringify(k)}:`;
      yield* split(x);
    } else {
      yield `${sep}${stringify(k)}:${stringify(x)}`;
    }
    sep = ",";
  }
  yield "}";
}

function long(x) {
  return isArray(x) && x.length > PIECE;
}

/** An array's text in slices: "[a,b" ",c,d" … "]". */
function* split(array) {
  for (let i = 0; i < array.length; i += PIECE) {
    const text = stringify(arraySlice(array, i, i + PIECE));
    yield i === 0 ? stringSlice(text, 0, -1) : `,${stringSlice(text, 1, -1)}`;
  }
  yield "]";
}

function omitted(x) {
  const t = typeof x;
  return t === "undefined" || t === "function" || t === "symbol";
}

function plainPrototype(v) {
  const p = getPrototypeOf(v);
  return p === ObjectPrototype || p === ArrayPrototype || p === null;
}

/** A boxed primitive's value (as JSON.stringify unboxes it); a Map or Set refused. */
function unbox(v) {
  if (has(numberValue, v)) return ToNumber(v);
  if (has(stringValue, v)) return ToString(v);
  if (has(booleanValue, v)) return booleanValue(v);
  if (has(bigintValue, v)) return bigintValue(v);
  if (has(mapSize, v) || has(setSize, v)) {
    throw new SyncRunErrorMark("unsupported_input", "a Map or Set cannot be read as JSON (JSON.stringify would write {})");
  }
  return v;
}

function toLength(x) {
  const n = Math.trunc(ToNumber(x));
  return n > 0 ? Math.min(n, Number.MAX_SAFE_INTEGER) : 0;
}

// The careful writer: ECMA-262's SerializeJSONProperty, value by value (each member read once,
// `toJSON(key)` with its key, boxed primitives unboxed, undefined, functions and symbols left
// out of objects and null in arrays), with SPEC §1's three differences. Its text, a piece at a
// time; it stops as soon as the text is longer than `max` units.
function* carefulText(root, max) {
  const chunks = [];
  const limit = Math.min(max, HARD_LIMIT);
  const open = new Set();
  let out = "";
  let total = 0;
  const flush = () => {
    total += out.length;
    if (total > limit) throw new Stop(total > max ? TOO_LARGE : NO_MEMORY);
    chunks.push(out);
    out = "";
  };
  // Writes `prefix` and the value unless the value is left out; whether it was written.
  const write = (value, key, depth, prefix) => {
    if ((typeof value === "object" && value !== null) || typeof value === "bigint") {
      const toJSON = value.toJSON;
      if (typeof toJSON === "function") value = call(toJSON, value, key);
    }
    if (typeof value === "object" && value !== null && !plainPrototype(value)) value = unbox(value);
    switch (typeof value) {
      case "string":
        out += prefix + stringify(value);
        return true;
      case "number":
        out += prefix + (value - value === 0 ? ToString(value) : value < 0 ? "-1e999" : "1e999");
        return true;
      case "boolean":
        out += prefix + (value ? "true" : "false");
        return true;
      case "bigint":
        out += prefix + bigintString(value);
        return true;
      case "object":
        break;
      default:
        return false;
    }
    if (value === null) {
      out += `${prefix}null`;
      return true;
    }
    if (depth >= DEPTH) throw new Stop(TOO_DEEP);
    if (open.has(value)) throw new SyncRunErrorMark("unsupported_input", "the input value is cyclic");
    open.add(value);
    if (isArray(value)) {
      const n = toLength(value.length);
      out += `${prefix}[`;
      for (let i = 0; i < n; i++) {
        const sep = i === 0 ? "" : ",";
        if (!write(value[i], ToString(i), depth + 1, sep)) out += `${sep}null`;
        if (out.length > FLUSH) flush();
      }
      out += "]";
    } else {
      out += `${prefix}{`;
      let sep = "";
      for (const k of ownKeys(value)) {
        if (write(value[k], k, depth + 1, `${sep}${stringify(k)}:`)) sep = ",";
        if (out.length > FLUSH) flush();
      }
      out += "}";
    }
    open.delete(value);
    return true;
  };
  if (!write(root, "", 0, "")) {
    // A value whose toJSON gives undefined: JSON.stringify gives undefined too, no text.
    throw new SyncRunErrorMark("unsupported_input", "the input value has no JSON text (toJSON returned undefined)");
  }
  flush();
  yield* chunks;
}

// ---------------------------------------------------------------------------------------------
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

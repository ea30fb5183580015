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
const u8Set = uncurry(Uint8Array.prototype.set);
const encodeInto = uncurry(TextEncoder.prototype.encodeInto);
const call = uncurry(Function.prototype.call);
const { isView } = ArrayBuffer;
const { isArray } = Array;
const { getPrototypeOf, getOwnPropertyDescriptor, defineProperty } = Reflect;
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

/** Node's (and Deno's and Bun's) `util.types.isAnyArrayBuffer`: the same internal-slot test as
 * `has(arrayBufferLength, x) || has(sharedLength, x)`, answered without a thrown TypeError (two
 * of those were most of a checkHealth call). Taken only when it tells a real buffer from a
 * lookalike the way the slot test does; null elsewhere (browsers), where the slot tests run. */
const anyArrayBuffer = (() => {
  try {
    const f = globalThis.process?.getBuiltinModule?.("node:util")?.types?.isAnyArrayBuffer;
    if (typeof f !== "function") return null;
    const buffer = new ArrayBuffer(0);
    Reflect.setPrototypeOf(buffer, ObjectPrototype);
    const exact =
      f(new ArrayBuffer(1)) === true &&
      f(buffer) === true &&
      f(Object.create(ArrayBuffer.prototype)) === false &&
      f({ [Symbol.toStringTag]: "ArrayBuffer" }) === false &&
      f(new Proxy(new ArrayBuffer(1), {})) === false &&
      f(new U8(1)) === false &&
      (globalThis.SharedArrayBuffer === undefined || f(new SharedArrayBuffer(1)) === true);
    return exact ? f : null;
  } catch {
    return null;
  }
})();

function binaryKind(x) {
  if (anyArrayBuffer !== null) return isView(x) || anyArrayBuffer(x);
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
    // Found not binary a moment ago (internal slots never change): src/wasm.rs's figures path
    // asks again for the value it is about to read.
    if (input === notBinary) return -1;
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

/** A summary for checkHealth and formatMetrics (src/wasm.rs `figures_bytes`): a shallow copy
 * whose `issues`, `topErrors` and `daily` (no rule or metric reads them, and a year of daily
 * figures is 40 KB of JSON) are `[]` when they are arrays, each member read once, as
 * JSON.stringify reads them; or the message of what reading it threw. One call for the whole
 * copy: a Reflect.get and Reflect.set per member from Rust took longer than judging the summary.
 * A member named __proto__ is left out (no summary has one, and assigning it would set the
 * copy's prototype). The copy is a plain object made here, so valueToJson, which src/wasm.rs
 * calls next, need not test it for binary again. */
export function withoutUnread(v) {
  try {
    const copy = {};
    for (const k of ownKeys(v)) {
      if (k === "__proto__") continue;
      const x = v[k];
      copy[k] = (k === "issues" || k === "topErrors" || k === "daily") && isArray(x) ? [] : x;
    }
    // Spread into a second object, which V8 builds with fast properties: thirty-one members
    // added one by one with computed keys leave `copy` a dictionary, which JSON.stringify and
    // the walk that vouches for it read slower (checkHealth 0.87x, formatMetrics 0.89x of the
    // time with `copy` itself, CPU time in bench/ab.mjs). Same members, same order: `copy` is a
    // plain object of own data members made here, so spreading it runs no code of the user's.
    const fast = { ...copy };
    notBinary = fast;
    return fast;
  } catch (e) {
    try {
      return ToString(e && e.message);
    } catch {
      return "an exception that cannot be described";
    }
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
/** A long array (the runs, at the top or in an envelope) is copied and written this many
 * elements at a time. */
const PIECE = 64;
/** Past this many members (4 GiB of text at the least) a value could never be copied into wasm
 * memory, whatever maxBytes says. */
const MEMBER_LIMIT = 2 ** 32;

/** Thrown inside a walk to stop it with one of the numbers above. */
class Stop {
  constructor(code) {
    this.code = code;
    OURS.add(this);
  }
}

/** A value's JSON text as src/wasm.rs reads it: a JsonWriter, or the SyncRunError. `max` is
 * maxBytes: the text stops as soon as it is surely longer. Nothing of the value is read here
 * but its type: the writer reads it, once. */
export function valueToJson(value, max) {
  try {
    const t = typeof value;
    if (t === "undefined" || t === "function" || t === "symbol") {
      return new SyncRunError("unsupported_input", `expected JSON text (string or Uint8Array) or a parsed JSON value, got ${t}`);
    }
    if (t === "object" && value !== null) {
      const known = value === notBinary;
      notBinary = undefined;
      if (!known && binaryKind(value)) {
        return new SyncRunError("unsupported_input", "binary input must be a Uint8Array (or a Node Buffer) of UTF-8 text");
      }
    }
    return new JsonWriter(value, max);
  } catch (e) {
    return failure(e, "unsupported_input", "the input cannot be read as a JSON value");
  }
}

// How a value is read, once: the walk below reads every property exactly as JSON.stringify
// reads it (ECMA-262 SerializeJSONProperty: EnumerableOwnProperties, then one [[Get]] per key;
// `length`, then one [[Get]] per index; `toJSON` looked up on every object, function and BigInt
// and called with its key; boxed primitives unboxed), and copies what it read into plain objects and arrays
// of its own. JSON.stringify then writes the copy, where reading again runs no user code: the
// text is JSON.stringify's own, made at its own speed. Plain objects are copied by spread
// (`{...v}`, which V8 does as one copy of the object's fields and which reads an accessor once,
// with [[Get]]), then their members that are objects are replaced by their copies.
//
// A copy JSON.stringify would not write as SPEC §1 reads it (a non-finite number, a BigInt, a
// function-valued `toJSON` key that the copy would call) is written by `copyText` instead, which
// gives the same text as JSON.stringify for everything else: a piece's writer depends only on
// the piece (a slice of 64 runs), never on other values.
//
// State of the walk, in module variables (the fastest V8 has). Each JsonWriter keeps its own,
// and `next()` puts the outer ones back when it returns: a getter in the value may call this
// package again, which runs a writer of its own in the middle of this one's walk.
let visits = 0; // members copied so far: each is at least one byte of text
let visitLimit = 0;
let lastMax = 0;
/** Whether JSON.stringify writes the piece being copied as SPEC §1 reads it. */
let exact = true;
/** The objects being copied, outermost first: JSON.stringify's stack (cycles, depth). */
let open = [];
/** The prototype `resolve` found for the object it gave (one [[GetPrototypeOf]] per object). */
let resolvedProto = null;

/** The text of a value, a piece at a time (src/wasm.rs asks for the next until DONE). */
export class JsonWriter {
  constructor(value, max) {
    this.max = max;
    this.units = 0;
    this.visits = 0;
    this.visitLimit = Math.min(max, MEMBER_LIMIT);
    this.open = [];
    this.exact = true;
    this.failed = null;
    this.pieces = rootText(value);
  }

  /** The next piece of text; DONE; TOO_LARGE; or the SyncRunError (a getter that throws). */
  next() {
    if (this.failed !== null) return this.failed;
    const outer = [visits, visitLimit, lastMax, exact, open, resolvedProto, inherited];
    visits = this.visits;
    visitLimit = this.visitLimit;
    lastMax = this.max;
    open = this.open;
    exact = this.exact;
    inherited = anyInherited();
    try {
      const next = this.pieces.next();
      if (next.done) return DONE;
      const piece = next.value;
      this.units += piece.length;
      return this.units > this.max ? TOO_LARGE : piece;
    } catch (e) {
      // A generator that threw is done: the failure is the answer from now on.
      this.failed = OURS.has(e) && e instanceof Stop ? e.code : failure(e, "unsupported_input", "the input cannot be read as a JSON value");
      return this.failed;
    } finally {
      this.visits = visits;
      this.exact = exact;
      [visits, visitLimit, lastMax, exact, open, resolvedProto, inherited] = outer;
    }
  }
}

function count(n) {
  if ((visits += n) > visitLimit) throw new Stop(visits > lastMax ? TOO_LARGE : NO_MEMORY);
}

/** A copy's text: JSON.stringify's when the copy is exact, else copyText's. */
function text(copy) {
  return exact && !prototypeToJSON() ? stringify(copy) : copyText(copy);
}

/** Whether JSON.stringify would call a `toJSON` on the copies' prototypes (which the walk has
 * called on the value's objects already). */
function prototypeToJSON() {
  return getOwnPropertyDescriptor(ObjectPrototype, "toJSON") !== undefined || getOwnPropertyDescriptor(ArrayPrototype, "toJSON") !== undefined;
}

// The root, and the long arrays at the top or among the root's members (an envelope's runs), a
// piece at a time: V8 builds a long JSON.stringify result as a rope that has to be copied flat
// before it can be encoded (on 100,000 runs a fifth of the stringify's time), and a piece's copy
// is garbage before the next one is made. Everything is read in JSON.stringify's order.
function* rootText(root) {
  const v = resolve(root, "");
  if (typeof v !== "object" || v === null) {
    exact = true;
    const c = copyResolved(v);
    if (c === undefined) {
      // A value whose toJSON gives undefined: JSON.stringify gives undefined too, no text.
      throw new SyncRunErrorMark("unsupported_input", "the input value has no JSON text (toJSON returned undefined)");
    }
    return yield text(c);
  }
  enter(v);
  if (isArray(v)) {
    const n = arrayLength(v);
    if (n > PIECE) return yield* slices(v, n);
    exact = true;
    return yield text(copyArray(v, n));
  }
  if (resolvedProto !== ObjectPrototype && resolvedProto !== null) {
    exact = true;
    return yield text(copyKeyed(v));
  }
  // A plain object (an envelope or a run): its members copied in order into `c`, written when a
  // long array among them is met (which is then written in pieces) and at the end.
  let sep = "{";
  let c = {};
  let pending = false;
  exact = true;
  for (const k of ownKeys(v)) {
    const x = resolve(v[k], k);
    if (typeof x === "object" && x !== null && isArray(x)) {
      enter(x);
      const n = arrayLength(x);
      if (n > PIECE) {
        if (pending) {
          yield `${sep}${stringSlice(text(c), 1, -1)}`;
          sep = ",";
        }
        yield `${sep}${stringify(k)}:`;
        yield* slices(x, n);
        sep = ",";
        c = {};
        pending = false;
        exact = true;
        continue;
      }
      put(c, k, copyArray(x, n));
      open.pop();
    } else {
      const y = copyResolved(x);
      if (y === undefined) continue;
      put(c, k, y);
    }
    count(1);
    pending = true;
  }
  open.pop();
  yield pending ? `${sep}${stringSlice(text(c), 1)}` : sep === "{" ? "{}" : "}";
}

/** A long array's text in slices: "[a,b" ",c,d" … "]". (`v` is open; closed at the end.) */
function* slices(v, n) {
  for (let i = 0; i < n; i += PIECE) {
    const m = Math.min(PIECE, n - i);
    const slice = new Array(m);
    exact = true;
    for (let j = 0; j < m; j++) slice[j] = copyValue(v[i + j], i + j);
    const t = text(slice);
    yield i === 0 ? stringSlice(t, 0, -1) : `,${stringSlice(t, 1, -1)}`;
  }
  open.pop();
  yield "]";
}

function put(c, k, y) {
  if (k === "__proto__") defineProperty(c, k, { value: y, writable: true, enumerable: true, configurable: true });
  else c[k] = y;
}

function arrayLength(v) {
  const n = toLength(v.length);
  // n elements and their commas: at least 2n bytes.
  count(2 * n);
  return n;
}

/** An object about to be copied: a cycle refused, as JSON.stringify refuses it; nesting past
 * 256 refused (SPEC §1). */
function enter(v) {
  for (let i = 0; i < open.length; i++) {
    if (open[i] === v) throw new SyncRunErrorMark("unsupported_input", "the input value is cyclic");
  }
  if (open.length >= DEPTH) throw new Stop(TOO_DEEP);
  open.push(v);
}

/** SerializeJSONProperty's steps 2–4 on a value already read: `toJSON(key)` called (key a
 * string, or an array index), then a boxed primitive unboxed; a Map or Set refused. */
function resolve(x, key) {
  if ((typeof x === "object" && x !== null) || typeof x === "bigint" || typeof x === "function") {
    const toJSON = x.toJSON;
    if (typeof toJSON === "function") x = call(toJSON, x, typeof key === "number" ? ToString(key) : key);
  }
  if (typeof x === "object" && x !== null) {
    resolvedProto = getPrototypeOf(x);
    if (resolvedProto !== ObjectPrototype && resolvedProto !== ArrayPrototype && resolvedProto !== null) {
      x = unbox(x); // a primitive, or `x` itself (whose prototype is resolvedProto still)
    }
  }
  return x;
}

/** The copy of a member read from its holder under `key`: undefined where JSON.stringify leaves
 * it out. */
function copyValue(x, key) {
  switch (typeof x) {
    case "string":
    case "boolean":
      return x;
    case "number":
      if (x - x !== 0) exact = false; // NaN, ±Infinity
      return x;
    case "object":
      if (x === null) return null;
      return copyResolved(resolve(x, key));
    case "bigint":
    case "function": // JSON.stringify looks up a function's toJSON too
      return copyResolved(resolve(x, key));
    default:
      return undefined; // undefined, a symbol
  }
}

/** The copy of a value after `resolve`. */
function copyResolved(x) {
  switch (typeof x) {
    case "string":
    case "boolean":
      return x;
    case "number":
      if (x - x !== 0) exact = false;
      return x;
    case "bigint":
      exact = false;
      return x;
    case "object": {
      if (x === null) return null;
      enter(x);
      const c = isArray(x) ? copyArray(x, arrayLength(x)) : resolvedProto === ObjectPrototype || resolvedProto === null ? copyPlain(x) : copyKeyed(x);
      open.pop();
      return c;
    }
    default:
      return undefined;
  }
}

function copyArray(v, n) {
  const c = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    const t = typeof x;
    c[i] = t === "string" || t === "boolean" || (t === "number" && x - x === 0) || t === "undefined" ? x : copyValue(x, i);
  }
  return c;
}

/** A plain object: spread, then its members that are not strings, booleans or finite numbers
 * replaced by their copies. */
function copyPlain(v) {
  const c = { ...v };
  if (inherited) {
    for (const k of ownKeys(c)) member(c, k);
  } else {
    for (const k in c) member(c, k);
  }
  return c;
}

function member(c, k) {
  const x = c[k];
  switch (typeof x) {
    case "string":
    case "boolean":
      break;
    case "number":
      if (x - x !== 0) exact = false;
      break;
    case "object":
      if (x === null) break;
    // fall through
    case "function":
    case "bigint": {
      const y = copyValue(x, k);
      c[k] = y;
      if (y === undefined) return;
      break;
    }
    default:
      return; // undefined, a symbol: left out by both writers
  }
  count(1);
}

/** Any other object (a class instance, a Proxy of one, an object with another prototype): its
 * enumerable own keys, each read once, into a plain object. */
function copyKeyed(v) {
  const c = {};
  for (const k of ownKeys(v)) {
    const y = copyValue(v[k], k);
    if (y === undefined) continue;
    put(c, k, y);
    count(1);
  }
  return c;
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

/** ToLength: an array's `length` as JSON.stringify takes it. */
function toLength(x) {
  const n = Math.trunc(ToNumber(x));
  return n > 0 ? Math.min(n, Number.MAX_SAFE_INTEGER) : 0;
}

/** Whether Object.prototype has enumerable keys, which `for...in` would visit too. */
let inherited = false;
const EMPTY = {};
function anyInherited() {
  for (const _ in EMPTY) return true;
  return false;
}

/** A copy's text where JSON.stringify would not write it as SPEC §1 reads it: the same text
 * but for a non-finite number (±1e999), a BigInt (its digits), and no `toJSON` called (the
 * walk called those). undefined for a member left out. */
function copyText(v) {
  switch (typeof v) {
    case "string":
      return stringify(v);
    case "number":
      return v - v === 0 ? ToString(v) : v < 0 ? "-1e999" : "1e999";
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return bigintString(v);
    case "object":
      break;
    default:
      return undefined;
  }
  if (v === null) return "null";
  if (isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += `${i === 0 ? "" : ","}${copyText(v[i]) ?? "null"}`;
    return `${out}]`;
  }
  let out = "{";
  let sep = "";
  for (const k of ownKeys(v)) {
    const t = copyText(v[k]);
    if (t === undefined) continue;
    out += `${sep}${stringify(k)}:${t}`;
    sep = ",";
  }
  return `${out}}`;
}

// ---------------------------------------------------------------------------------------------
// normalizeRuns' runs, built from columns (src/columns.rs): one string table and a fixed count
// of numbers per run, laid out by the field table (src/run.rs FIELDS). Object literals of one
// shape are what V8 builds fastest, and string fields are slices of the table; this costs a
// fraction of JSON.parse on the same runs.
// <columns> generated by tests/columns.rs from src/run.rs's FIELDS and src/columns.rs's
// layout; do not edit by hand (SYNCRUN_BLESS=1 cargo test --test columns rewrites it).
const STATUSES = ["success", "warning", "failed", "cancelled", "interrupted", "queued", "querying", "processing", "reporting"];
const STRIDE = 21;

export function buildRuns(table, nums, count) {
  const runs = new Array(count);
  for (let i = 0, o = 0; i < count; i++, o += STRIDE) {
    const createdAt = nums[o + 3];
    const startedAt = nums[o + 4];
    const finishedAt = nums[o + 5];
    const error = nums[o + 17];
    const run = {
      id: table.slice(nums[o], nums[o + 1]),
      status: STATUSES[nums[o + 2]],
      createdAt: table.slice(createdAt, createdAt + 24),
      startedAt: startedAt < 0 ? null : table.slice(startedAt, startedAt + 24),
      finishedAt: finishedAt < 0 ? null : table.slice(finishedAt, finishedAt + 24),
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

// Kept unknown keys ([top, plannedRows, successfulRows, failedRows]), defined as plain data:
// a key named "__proto__" must not reach the prototype setter that assignment would call.
function addExtras(run, extras) {
  define(run, extras[0]);
  define(run.plannedRows, extras[1]);
  define(run.successfulRows, extras[2]);
  define(run.failedRows, extras[3]);
}
// </columns>

function define(target, extras) {
  for (const key of Object.keys(extras)) {
    Object.defineProperty(target, key, { value: extras[key], writable: true, enumerable: true, configurable: true });
  }
}

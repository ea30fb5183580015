// Replace the bodies of Rust's panic machinery in a .wasm with `unreachable` (what the
// `wasm-snip --snip-rust-panicking-code` step of the Rust and WebAssembly book does), so that
// wasm-opt can drop the panic message formatting (core::fmt, payload boxing, the hook) that
// nothing else reaches. Stable Rust's std always links that code, even with panic = "abort".
//
// It changes no behaviour: on wasm32-unknown-unknown a panic already ends in `unreachable`
// (std's hook writes to a stderr that does not exist, then aborts), and the library keeps
// every input away from panics (src/lib.rs denies unwrap, expect, indexing and panic).
// Only functions that can do nothing but panic are replaced; the script fails if it finds
// none, so a toolchain that renames them cannot make the build silently larger.
//
//   node scripts/snip-panics.mjs in.wasm out.wasm   (in.wasm must keep its name section:
//                                                   wasm-bindgen --keep-debug)
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import binaryen from "binaryen";

// Symbol names as rustc's v0 mangling prints them, e.g.
// `core[c5930c85a12de822]::panicking::panic_fmt`,
// `<std[…]::panicking::panic_handler::FormatStringPayload as core[…]::panic::PanicPayload>::get`.
const CRATE = String.raw`(?:core|std)(?:\[[0-9a-f]+\])?`;
const PANICKING = new RegExp(String.raw`(?:^|[<:])${CRATE}::panicking::`);
// std::panicking also holds functions that normal code calls to ask whether a panic is
// under way (Once and Mutex poisoning): those must keep their bodies.
const KEEP = /panicking::(?:panicking|panic_count::(?:count_is_zero|is_zero_slow_path|get_count))\b/;

export function snipPanics(bytes) {
  binaryen.setDebugInfo(true); // keep the name section for anyone who inspects the output
  const module = binaryen.readBinary(bytes);
  const F = binaryen.Features;
  // The features rustc's wasm32 target enables by default, and simd128 (.cargo/config.toml), as
  // scripts/build.sh passes them to wasm-opt.
  module.setFeatures(F.BulkMemory | F.BulkMemoryOpt | F.MutableGlobals | F.NontrappingFPToInt | F.SignExt | F.ReferenceTypes | F.Multivalue | F.SIMD128);
  const snipped = [];
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const fn = module.getFunctionByIndex(i);
    const { name, body } = binaryen.getFunctionInfo(fn);
    if (body && PANICKING.test(name) && !KEEP.test(name)) {
      binaryen.Function.setBody(fn, module.unreachable());
      snipped.push(name);
    }
  }
  if (!snipped.some((n) => /::panicking::panic_fmt$/.test(n))) {
    throw new Error("snip-panics: core::panicking::panic_fmt not found (no name section, or renamed)");
  }
  if (!module.validate()) throw new Error("snip-panics: the snipped module does not validate");
  const out = module.emitBinary();
  module.dispose();
  return { out, snipped };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error("usage: node scripts/snip-panics.mjs in.wasm out.wasm");
    process.exit(2);
  }
  const { out, snipped } = snipPanics(readFileSync(input));
  writeFileSync(output, out);
  console.log(`snip-panics: ${snipped.length} panic functions replaced by unreachable`);
}

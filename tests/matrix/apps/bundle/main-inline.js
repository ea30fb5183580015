// A page's script for a bundler that cannot emit the .wasm by itself (esbuild, Rollup,
// `bun build`): the entry with the .wasm embedded (SPEC §12).
import * as api from "syncrun/inline";
import { figures, line } from "../common/figures.js";

window.FIGURES = figures(api);
document.body.textContent = line(window.FIGURES);

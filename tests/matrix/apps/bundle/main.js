// A page's script for a bundler, with the default entry: `import ... from "syncrun"` (SPEC §12).
import * as api from "syncrun";
import { figures, line } from "../common/figures.js";

window.FIGURES = figures(api);
document.body.textContent = line(window.FIGURES);

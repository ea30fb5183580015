// Node, Bun, Deno: `import` of the package (SPEC §12).
import * as api from "syncrun";
import { figures, line } from "../common/figures.js";

console.log(line(figures(api)));

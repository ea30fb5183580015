// Vite SSR with the package bundled into the server build (`ssr.noExternal`, SPEC §12).
import * as api from "syncrun";
import { figures, line } from "../common/figures.js";

console.log(line(figures(api)));

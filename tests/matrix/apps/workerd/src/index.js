// A Cloudflare Worker (workerd, `wrangler dev`) that answers with the figures (SPEC §12).
import * as api from "syncrun";
import { figures, line } from "../../common/figures.js";

export default {
  fetch() {
    return new Response(line(figures(api)) + "\n");
  },
};

// A server component (SPEC §12): the figures are computed while Next renders the page.
import * as api from "syncrun";
import { figures, line } from "../../common/figures.js";

export default function Page() {
  return <pre id="server">{line(figures(api))}</pre>;
}

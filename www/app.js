// The demo page: reads input (text area, file, drop, bundled samples), hands it to the workers
// (worker.js, where the syncrun package does all the work: one for the summary and one for the
// runs when the machine has two cores or more) and shows what comes back: the batch
// summary (SPEC §5), its health (SPEC §9), charts, issues (SPEC §3) and the normalized runs.
// Nothing heavy runs here, so the page answers at once even while a file of hundreds of
// megabytes is read; the one call made here is the package's checkHealth, which reads only the
// summary (microseconds), so that thresholds and the moment judged at answer as they are typed.
//
// The page is split along its sections into the ES modules of www/app/ (served as they are,
// no build step); this entry loads them all, in the order the page was written, and starts it.

import "./app/page.js";
import "./app/format.js";
import "./app/job.js";
import "./app/input.js";
import "./app/summary.js";
import "./app/health.js";
import "./app/issues.js";
import "./app/output.js";
import "./app/charts.js";
import { el } from "./app/page.js";
import { showError } from "./app/job.js";
import { loadSample } from "./app/input.js";

// Start on the default sample.

loadSample(el.sample.value || "month").catch((e) => showError(e.message));

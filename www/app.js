// The demo page: reads input (text area, file, drop, bundled samples), hands it to the worker
// (worker.js, where the syncrun package does all the work) and shows what comes back: the batch
// summary (SPEC §5), its health (SPEC §9), charts, issues (SPEC §3) and the normalized runs.
// Nothing heavy runs here, so the page answers at once even while a file of hundreds of
// megabytes is read; the one call made here is the package's checkHealth, which reads only the
// summary (microseconds), so that thresholds and the moment judged at answer as they are typed.

import uPlot from "/vendor/uplot/uPlot.esm.js";

/** Files up to this size are also shown (and editable) in the text area. */
const TEXTAREA_LIMIT = 2 * 1024 * 1024;
/** The normalized-output preview shows at most this much; copy and download give everything. */
const PREVIEW_BYTES = 16 * 1024;
const TYPING_DELAY_MS = 250;

const $ = (id) => document.getElementById(id);
const el = {
  sample: $("sample"),
  file: $("file"),
  input: $("input"),
  sourceNote: $("source-note"),
  progress: document.querySelector('[data-testid="progress"]'),
  progressBar: $("progress-bar"),
  progressText: $("progress-text"),
  results: document.querySelectorAll("#summary, #health, #charts, #issues, #normalized"),
  summary: $("summary"),
  health: $("health"),
  healthOf: $("health-of"),
  healthBody: $("health-body"),
  healthError: $("health-error"),
  judgeAt: $("judge-at"),
  judgeLatest: $("judge-latest"),
  judgeNow: $("judge-now"),
  resetRules: $("reset-rules"),
  judgedAt: $("judged-at"),
  charts: $("charts"),
  issues: $("issues"),
  normalized: $("normalized"),
  output: $("output"),
  outputStatus: $("output-status"),
  copy: $("copy"),
  download: $("download"),
  announce: $("announce"),
  warningIsFailure: $("warning-is-failure"),
  dropOverlay: $("drop-overlay"),
};

// ---------------------------------------------------------------------------------------------
// Formatting

/** Run counts stay plain digits, so "114 valid" reads the same in every locale. */
const count = (n) => String(n);
const grouped = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** SPEC §5 rates as a percentage with `digits` decimals; "—" when the rate is null. */
function percent(rate, digits = 1) {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(digits)}%`;
}

function plural(n, word) {
  return `${count(n)} ${word}${n === 1 ? "" : "s"}`;
}

function bytes(n) {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

function duration(ms) {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, "0")} min`;
  return `${(h / 24).toFixed(1)} days`;
}

/** A canonical timestamp (SPEC §2.2) as "2024-05-30 18:00 UTC". */
function when(ts) {
  return ts ? `${ts.slice(0, 10)} ${ts.slice(11, 16)} UTC` : "—";
}

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) node.append(c);
  }
  return node;
}

function time(ts) {
  return ts ? h("time", { datetime: ts, text: when(ts) }) : "—";
}

const STATUS_GROUP = {
  success: "ok", warning: "warn", failed: "bad", cancelled: "stopped", interrupted: "stopped",
  queued: "running", querying: "running", processing: "running", reporting: "running",
};

function statusBadge(status) {
  return h("span", { class: `badge status-${STATUS_GROUP[status] ?? "running"}`, text: status });
}

// ---------------------------------------------------------------------------------------------
// The worker and the current job. Every input starts a new job; results of older jobs are
// dropped, and the worker stops reading them.

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
/** The package on this thread, for checkHealth only; null until it has loaded. */
let pkg = null;
const pkgLoaded = import("/pkg/browser.js").then((m) => {
  pkg = m;
});
let job = 0;
/** What the current job reads: { name, label, inTextarea, text } (text: what the area held). */
let source = null;
/** The last result shown: { summary, output, outputNote, chart, format, bytes, ms, source }. */
let shown = null;

worker.addEventListener("message", (event) => {
  const msg = event.data;
  if (msg.type === "ready") return;
  if (msg.job !== job && msg.job !== 0) return;
  if (msg.type === "progress") showProgress(msg);
  else if (msg.type === "result") showResult(msg);
  else if (msg.type === "error") showError(msg.message);
});
worker.addEventListener("error", (event) => {
  event.preventDefault();
  showError(`the worker stopped (${event.message || "it could not load"})`);
});

/** The package options the page offers (SPEC §8). */
function options() {
  return { warningIsFailure: el.warningIsFailure.checked };
}

let lastInput = null;

/** Starts checking `blob`, described by `src`. */
function analyze(blob, src) {
  lastInput = { blob, src };
  health.src = src;
  job += 1;
  source = { ...src, size: blob.size };
  for (const sec of el.results) sec.setAttribute("aria-busy", "true");
  el.progress.dataset.state = "running";
  el.progressBar.max = Math.max(blob.size, 1);
  el.progressBar.value = 0;
  el.progressText.textContent = `Reading ${src.label}…`;
  worker.postMessage({ type: "analyze", job, blob, options: options() });
}

/** No input: back to the page's first state. */
function showEmpty() {
  job += 1;
  shown = null;
  lastInput = null;
  clearCharts();
  for (const sec of el.results) sec.removeAttribute("aria-busy");
  el.progress.dataset.state = "idle";
  el.progressBar.value = 0;
  el.progressText.textContent = "Waiting for input.";
  const empty = (text) => h("p", { class: "empty", text });
  el.summary.dataset.source = el.issues.dataset.source = "";
  el.summary.replaceChildren(h("h2", { id: "summary-title", text: "Summary" }), empty("No input yet: paste runs, open a file or choose a sample."));
  el.issues.replaceChildren(h("h2", { id: "issues-title", text: "Issues" }), empty("No input yet."));
  showHealthEmpty();
  for (const id of ["chart-durations", "chart-daily", "chart-rows"]) {
    caption($(id), "");
    plotBox($(id)).replaceChildren();
  }
  renderOutput();
}

function showProgress({ bytes: done, total, runs }) {
  el.progressBar.max = Math.max(total, 1);
  el.progressBar.value = done;
  const pct = total > 0 ? ` (${Math.floor((done / total) * 100)}%)` : "";
  const found = runs === null ? "" : `, ${count(runs)} runs`;
  el.progressText.textContent = `Reading ${source.label}: ${bytes(done)} of ${bytes(total)}${pct}${found}`;
}

function showError(message) {
  for (const sec of el.results) sec.removeAttribute("aria-busy");
  el.progress.dataset.state = "error";
  el.progressText.textContent = `Could not check the input: ${message}`;
}

/**
 * Runs `steps` one per task, so that no task holds the page for long (a big input gives 1000
 * issues and thousands of chart points); a newer job stops the rest.
 */
function inTasks(forJob, steps) {
  const next = () => {
    if (forJob !== job || steps.length === 0) return;
    steps.shift()();
    setTimeout(next, 0);
  };
  next();
}

function showResult(msg) {
  // checkHealth runs here: wait for the package (it has almost always loaded by now).
  if (pkg === null) {
    pkgLoaded.then(() => {
      if (msg.job === job) showResult(msg);
    }, (e) => showError(`the syncrun package did not load: ${e?.message ?? e}`));
    return;
  }
  shown = { ...msg, source };
  const s = msg.summary;
  startHealth(s);
  el.progressBar.max = Math.max(msg.bytes, 1);
  el.progressBar.value = msg.bytes;
  // The time only means something for big inputs (and small ones keep a steady text).
  const took = msg.bytes >= 1e6 ? ` in ${(msg.ms / 1000).toFixed(1)} s` : "";
  el.progressText.textContent = `Checked ${source.label}: ${bytes(msg.bytes)}, ${count(s.records)} records${took}.`;
  inTasks(msg.job, [
    () => renderSummary(s),
    () => renderHealth(),
    () => renderIssues(s),
    () => renderOutput(),
    ...chartSteps(),
    () => {
      for (const sec of el.results) sec.removeAttribute("aria-busy");
      el.progress.dataset.state = "done";
      el.announce.textContent =
        `Checked ${source.label}: ${count(s.records)} records, ${count(s.valid)} valid, ${count(s.invalid)} invalid; success rate ${percent(s.successRate)}` +
        (health.result ? `; health ${health.result.status}.` : ".");
    },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Input: the text area, samples, files and drops.

let typingTimer = 0;
/** Counts inputs, so that a sample or file still loading is dropped when another input came. */
let inputSeq = 0;

el.input.addEventListener("input", () => {
  inputSeq += 1;
  clearTimeout(typingTimer);
  el.sample.value = "";
  el.file.value = "";
  typingTimer = setTimeout(() => {
    const text = el.input.value;
    el.sourceNote.textContent = "";
    if (text.trim() === "") showEmpty();
    else analyze(new Blob([text]), { name: "input", label: "your input", inTextarea: true, text });
  }, TYPING_DELAY_MS);
});

async function loadSample(name) {
  const seq = ++inputSeq;
  clearTimeout(typingTimer);
  el.file.value = "";
  const file = `${name}.json`;
  el.progressText.textContent = `Loading the sample ${file}…`;
  const res = await fetch(`samples/${file}`);
  if (seq !== inputSeq) return;
  if (!res.ok) {
    showError(`the sample ${file} did not load (HTTP ${res.status})`);
    return;
  }
  const fetched = await res.text();
  if (seq !== inputSeq) return;
  el.input.value = fetched;
  const text = el.input.value;
  el.input.scrollTop = 0;
  el.sourceNote.textContent = `The bundled sample ${file}; edit it, paste your own runs, or open a file.`;
  analyze(new Blob([text]), { name: file, label: `the sample ${file}`, inTextarea: true, text, sample: true });
}

el.warningIsFailure.addEventListener("change", () => {
  if (lastInput) analyze(lastInput.blob, lastInput.src);
});

el.sample.addEventListener("change", () => {
  if (el.sample.value) loadSample(el.sample.value).catch((e) => showError(e.message));
});

/** A picked or dropped file: checked from its bytes; shown in the text area when small. */
async function openFile(file) {
  const seq = ++inputSeq;
  clearTimeout(typingTimer);
  el.sample.value = "";
  const label = file.name;
  let text = null;
  if (file.size <= TEXTAREA_LIMIT) {
    text = await file.text();
    if (seq !== inputSeq) return;
    el.input.value = text;
    text = el.input.value; // as the text area holds it (line breaks become "\n")
    el.input.scrollTop = 0;
    el.sourceNote.textContent = `${file.name} (${bytes(file.size)}); edit it here to check it again.`;
  } else {
    el.input.value = "";
    el.sourceNote.textContent =
      `${file.name} (${bytes(file.size)}) is checked straight from the file; it is too large to show here. ` +
      `Type or paste here to check text instead.`;
  }
  analyze(file, { name: file.name, label, inTextarea: text !== null, text });
}

el.file.addEventListener("change", () => {
  const file = el.file.files?.[0];
  if (file) openFile(file).catch((e) => showError(e.message));
});

// Files dropped anywhere on the page. Text dropped into the text area keeps its usual meaning.
let dragDepth = 0;
const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes("Files");
window.addEventListener("dragenter", (e) => {
  if (!hasFiles(e)) return;
  dragDepth += 1;
  el.dropOverlay.hidden = false;
});
window.addEventListener("dragleave", (e) => {
  if (!hasFiles(e)) return;
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) el.dropOverlay.hidden = true;
});
window.addEventListener("dragover", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = "copy";
});
window.addEventListener("drop", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  dragDepth = 0;
  el.dropOverlay.hidden = true;
  const file = e.dataTransfer.files[0];
  if (file) {
    el.file.value = "";
    openFile(file).catch((e) => showError(e.message));
  }
});

// ---------------------------------------------------------------------------------------------
// Summary (SPEC §5)

function figure(field, label, value, note) {
  return h("div", { class: "figure", "data-field": field },
    h("dt", { text: label }),
    h("dd", {}, h("span", { class: "value", text: value }), note ? h("span", { class: "sub", text: note }) : null));
}

/** The summary's first line: what cannot be read, else the health's overall status (SPEC §9.2). */
function verdict(s, result) {
  if (s.records === 0) return ["bad", "Nothing could be read as runs."];
  if (s.valid === 0) return ["bad", "No record is a valid run."];
  const invalid = s.invalid > 0 ? ` ${count(s.invalid)} record${s.invalid === 1 ? " is" : "s are"} not valid runs.` : "";
  if (result === null) return ["unknown", `The thresholds are not valid (see Health).${invalid}`];
  return [HEALTH_TONE[result.status], `${overallText(result)}${invalid}`];
}

function renderSummary(s) {
  const sec = el.summary;
  sec.dataset.source = source.name;
  const [tone, text] = verdict(s, health.result);
  const rows = s.rows;
  const figures = h("dl", { class: "figures" },
    figure("records", "Runs", count(s.records), "records in the input"),
    figure("valid", "Valid", count(s.valid),
      s.duplicates ? `${plural(s.duplicates, "duplicate")} left out` : "runs in these figures"),
    figure("invalid", "Invalid", count(s.invalid), `${plural(s.errorCount, "error")}, ${plural(s.warningCount, "warning")}`),
    figure("successRate", "Success rate", percent(s.successRate),
      `${count(s.succeeded)} of ${count(s.terminal)} finished runs` + (s.inProgress ? `; ${count(s.inProgress)} in progress` : "")),
    figure("failureStreak", "Failure streak", count(s.failureStreak),
      s.failureStreak ? `finished run${s.failureStreak === 1 ? "" : "s"} in a row did not succeed`
        : s.terminal ? "the latest finished run succeeded" : "no finished runs"),
    figure("failureRate", "Row failure rate", percent(s.failureRate, 2),
      `${grouped.format(rows.failed.total)} of ${grouped.format(s.attemptedRows)} rows rejected`),
    figure("durationP50", "Duration p50", duration(s.durationMs.p50), `over ${count(s.durationMs.count)} runs`),
    figure("durationP95", "Duration p95", duration(s.durationMs.p95), `max ${duration(s.durationMs.max)}`),
  );

  const latest = s.latest
    ? h("p", {}, h("span", { class: "run-id", text: `Run ${s.latest.id}` }), " ", statusBadge(s.latest.status), " created ", time(s.latest.createdAt))
    : h("p", { text: "No valid run." });
  const lastSuccess = s.lastSuccess
    ? h("p", { class: "sub" }, `Last success: run ${s.lastSuccess.id}, `, time(s.lastSuccess.createdAt))
    : null;
  const lastFailure = s.lastFailure
    ? [
        h("p", {}, h("span", { class: "run-id", text: `Run ${s.lastFailure.id}` }), " ", statusBadge(s.lastFailure.status), " created ", time(s.lastFailure.createdAt)),
        h("p", { class: "error-text", text: s.lastFailure.error ?? "(no error message)" }),
      ]
    : h("p", { text: "No failed run." });
  const topErrors = s.topErrors.length
    ? h("ol", { class: "top-errors" }, s.topErrors.map((t) =>
        h("li", {}, h("span", { class: "times", text: `${count(t.count)}×` }), " ", h("span", { class: "pattern", text: t.pattern }))))
    : h("p", { text: "No error messages." });

  const body = [
    h("p", { class: `verdict tone-${tone}`, "data-testid": "verdict", text }),
    s.hasMore ? h("p", { class: "note", text: "hasMore is true: this is one page of the sync's runs; the API has more." }) : null,
    figures,
    h("div", { class: "cards" },
      h("div", { class: "card", "data-field": "latest" }, h("h3", { text: "Latest run" }), latest, lastSuccess),
      h("div", { class: "card", "data-field": "lastFailure" }, h("h3", { text: "Last failure" }), lastFailure),
      h("div", { class: "card", "data-field": "topErrors" }, h("h3", { text: "Top errors" }), topErrors)),
  ];
  sec.replaceChildren(h("h2", { id: "summary-title" }, "Summary ", h("span", { class: "of", text: `of ${source.label}` })), ...body.filter(Boolean));
}

// ---------------------------------------------------------------------------------------------
// Health (SPEC §9): the package's checkHealth on the summary, at a moment and with thresholds
// the visitor can change. Only how each rule reads is here; every judgement is the package's.

const HEALTH_TONE = { ok: "ok", warning: "warn", critical: "bad", unknown: "stopped" };

/** Significant digits enough for any threshold typed, without float noise (0.07 * 100). */
const tidy = (x) => Number(x.toPrecision(12));
const times = (v) => `${v.toFixed(2)}× the median`;

/**
 * How each rule reads: its title, what its value means, the bad side of its thresholds
 * (SPEC §9.1) and the unit the thresholds are typed in (with the conversion both ways).
 */
const RULE_VIEW = {
  failure_streak: {
    title: "Failure streak", bad: "≥", unit: "runs", step: "1",
    value: (v) => `${plural(v, "run")} in a row did not succeed`,
    toInput: (v) => v, fromInput: (x) => x,
  },
  success_rate: {
    title: "Success rate", bad: "<", unit: "%", step: "0.1",
    value: (v) => `${percent(v)} of finished runs succeeded`,
    toInput: (v) => tidy(v * 100), fromInput: (x) => x / 100,
  },
  freshness: {
    title: "Freshness", bad: ">", unit: "hours", step: "1",
    value: (v) => `${duration(v)} since the last success`,
    toInput: (v) => tidy(v / 3_600_000), fromInput: (x) => Math.round(x * 3_600_000),
  },
  row_failure_rate: {
    title: "Row failure rate", bad: "≥", unit: "%", step: "0.1",
    value: (v) => `${percent(v, 2)} of the latest run's rows rejected`,
    toInput: (v) => tidy(v * 100), fromInput: (x) => x / 100,
  },
  duration: {
    title: "Duration", bad: ">", unit: "× median", step: "0.1",
    value: (v) => `the latest run took ${times(v)}`,
    toInput: (v) => v, fromInput: (x) => x,
  },
  volume: {
    title: "Volume", bad: "<", unit: "× median", step: "0.05",
    value: (v) => `the latest run's query: ${times(v)} rows`,
    toInput: (v) => v, fromInput: (x) => x,
  },
};
const plainView = (rule) => ({
  title: rule, bad: "", unit: "", step: "any", value: (v) => String(v), toInput: (v) => v, fromInput: (x) => x,
});
const viewOf = (rule) => RULE_VIEW[rule] ?? plainView(rule);

/**
 * What the panel judges: the summary, the moment (`at`, ms, and why it is that moment), the
 * thresholds the visitor changed (`edits`: rule → { warning?, critical? }, in the rule's own
 * units, kept from one input to the next) and the last result (null while the edits are not
 * valid). `src` is the input being checked, so that a chosen moment survives re-checking the
 * same input (the warning option) but not a new one.
 */
const health = {
  summary: null, at: 0, why: "now", edits: {}, result: null, error: null, invalidRule: null, src: null, judgedSrc: null, rules: [],
};

/** Bundled samples are judged at their latest run's time; anything else at the current time. */
function defaultMoment(s, src) {
  if (src?.sample && s.latest) return { at: Date.parse(s.latest.createdAt), why: "latest" };
  return { at: Date.now(), why: src?.sample ? "now-no-runs" : "now" };
}

function startHealth(s) {
  health.summary = s;
  if (!(health.why === "chosen" && health.judgedSrc === health.src)) Object.assign(health, defaultMoment(s, health.src));
  health.judgedSrc = health.src;
  // The rules and their default thresholds, as the package has them.
  health.rules = pkg.checkHealth(s, { now: health.at }).checks.map((c) => ({ rule: c.rule, warning: c.warning, critical: c.critical }));
  judge();
}

/**
 * checkHealth with the current moment and edits: health.result, or health.error (the
 * package's message) when the edits are not valid; `edited` is the rule just changed, marked
 * as the one at fault while they are not.
 */
function judge(edited = null) {
  try {
    health.result = pkg.checkHealth(health.summary, { now: health.at, rules: rulesOption() });
    health.error = health.invalidRule = null;
  } catch (e) {
    health.result = null;
    health.error = e?.name === "SyncRunError" ? e.message : String(e?.message ?? e);
    if (edited !== null) health.invalidRule = edited;
  }
}

function rulesOption() {
  const rules = {};
  for (const [rule, pair] of Object.entries(health.edits)) if (Object.keys(pair).length > 0) rules[rule] = { ...pair };
  return rules;
}

/** The overall status and the checks behind it: "Critical: failure streak and success rate; warning: freshness." */
function overallText(result) {
  const label = { ok: "OK", warning: "Warning", critical: "Critical", unknown: "Unknown" };
  if (result.checks.length === 0) return "Unknown: every rule is off.";
  const parts = result.status === "ok" ? ["OK: every check that can be judged passes"] : [];
  for (const status of ["critical", "warning", "unknown"]) {
    const names = result.checks.filter((c) => c.status === status).map((c) => viewOf(c.rule).title.toLowerCase());
    if (names.length === 0) continue;
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
    parts.push(`${parts.length === 0 ? label[status] : status}: ${list}`);
  }
  if (result.status === "ok" && parts.length === 1) return "OK: every check passes.";
  return `${parts.join("; ")}.`;
}

function showHealthEmpty() {
  health.summary = null;
  health.result = null;
  health.src = health.judgedSrc = null;
  el.health.dataset.source = "";
  el.health.dataset.status = "";
  el.healthOf.textContent = "";
  el.judgedAt.textContent = "";
  el.healthError.textContent = "";
  el.judgeAt.value = "";
  for (const c of [el.judgeAt, el.judgeLatest, el.judgeNow, el.resetRules]) c.disabled = true;
  el.healthBody.replaceChildren(h("p", { class: "empty", text: "No input yet." }));
}

function thresholdInput(rule, kind, view) {
  const id = `rule-${rule}-${kind}`;
  const input = h("input", {
    type: "number", id, min: "0", step: view.step, inputmode: "decimal",
    "data-rule": rule, "data-kind": kind, class: "threshold",
  });
  return h("label", { for: id, class: `threshold-label kind-${kind}` },
    h("span", { class: "kind", text: `${kind === "warning" ? "Warning" : "Critical"} ${view.bad}` }), input,
    h("span", { class: "unit", text: view.unit }));
}

/** The panel for a new result: one card per rule, with its thresholds' inputs. */
function renderHealth() {
  el.health.dataset.source = source.name;
  el.healthOf.textContent = `of ${source.label}`;
  for (const c of [el.judgeAt, el.judgeNow, el.resetRules]) c.disabled = false;
  el.judgeLatest.disabled = health.summary.latest === null;
  const overall = h("p", { class: "verdict health-overall", "data-testid": "health-status", "aria-live": "polite" });
  const cards = h("div", { class: "health-checks" }, health.rules.map(({ rule }) => {
    const view = viewOf(rule);
    return h("section", { class: "card health-check", "data-rule": rule, "aria-labelledby": `check-${rule}` },
      h("h3", { id: `check-${rule}` }, h("span", { class: "badge" }), " ", view.title, " ", h("code", { class: "rule", text: rule })),
      h("p", { class: "value" }),
      h("div", { class: "thresholds" }, thresholdInput(rule, "warning", view), thresholdInput(rule, "critical", view)));
  }));
  el.healthBody.replaceChildren(overall, cards);
  fillThresholds();
  updateHealth();
}

/** The inputs show the thresholds in effect: the visitor's, else the package's defaults. */
function fillThresholds() {
  for (const input of el.healthBody.querySelectorAll("input.threshold")) {
    const { rule, kind } = input.dataset;
    const edit = health.edits[rule]?.[kind];
    const value = edit ?? health.rules.find((r) => r.rule === rule)?.[kind];
    input.value = value === undefined ? "" : String(viewOf(rule).toInput(value));
    input.removeAttribute("aria-invalid");
  }
}

/** Shows health.result (or `error`): the overall status, each check, the moment. */
function updateHealth() {
  const error = health.error;
  const iso = new Date(health.at).toISOString();
  const why = {
    latest: "the latest run's time",
    now: "the current time",
    "now-no-runs": "the current time (the sample has no valid run)",
    chosen: "the time you chose",
  }[health.why];
  el.judgedAt.textContent = `Judged at ${iso}, ${why}.`;
  if (document.activeElement !== el.judgeAt) el.judgeAt.value = iso.slice(0, 23);
  el.healthError.textContent = error ? `These thresholds are not valid: ${error}` : "";
  for (const input of el.healthBody.querySelectorAll("input.threshold")) {
    const bad = error !== null && input.dataset.rule === health.invalidRule;
    if (bad) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
  const overall = el.healthBody.querySelector(".health-overall");
  const summaryVerdict = el.summary.querySelector('[data-testid="verdict"]');
  const result = health.result;
  if (summaryVerdict && health.summary) {
    const [tone, text] = verdict(health.summary, result);
    summaryVerdict.className = `verdict tone-${tone}`;
    summaryVerdict.textContent = text;
  }
  if (result === null) {
    el.health.dataset.status = "invalid";
    if (overall) {
      overall.className = "verdict health-overall tone-unknown";
      overall.textContent = "Not judged: the thresholds are not valid.";
    }
    return;
  }
  el.health.dataset.status = result.status;
  if (!overall) return;
  overall.className = `verdict health-overall tone-${HEALTH_TONE[result.status]}`;
  overall.textContent = overallText(result);
  for (const card of el.healthBody.querySelectorAll(".health-check")) {
    const check = result.checks.find((c) => c.rule === card.dataset.rule);
    const badge = card.querySelector(".badge");
    card.dataset.status = check.status;
    badge.className = `badge status-${HEALTH_TONE[check.status]}`;
    badge.textContent = check.status;
    // With no value, the package's message says why; with one, it is the value in the card's
    // units (the message, with the exact figures, is the card's title).
    const value = card.querySelector(".value");
    value.textContent = check.value === null ? check.message : viewOf(check.rule).value(check.value);
    value.classList.toggle("no-value", check.value === null);
    card.title = check.message;
  }
}

el.healthBody.addEventListener("input", (e) => {
  const input = e.target.closest("input.threshold");
  if (!input || !health.summary) return;
  const { rule, kind } = input.dataset;
  const pair = { ...health.edits[rule] };
  // An empty box means the package's default; anything typed goes to checkHealth as it is.
  if (input.value.trim() === "") delete pair[kind];
  else pair[kind] = viewOf(rule).fromInput(input.valueAsNumber);
  health.edits = { ...health.edits, [rule]: pair };
  judge(rule);
  updateHealth();
});

el.judgeAt.addEventListener("input", () => {
  if (!health.summary) return;
  // The box shows UTC, as the rest of the page does.
  const at = el.judgeAt.value === "" ? NaN : Date.parse(`${el.judgeAt.value}Z`);
  if (Number.isNaN(at)) return;
  Object.assign(health, { at, why: "chosen" });
  judge();
  updateHealth();
});

el.judgeLatest.addEventListener("click", () => {
  if (!health.summary?.latest) return;
  Object.assign(health, { at: Date.parse(health.summary.latest.createdAt), why: "latest" });
  judge();
  updateHealth();
});

el.judgeNow.addEventListener("click", () => {
  if (!health.summary) return;
  Object.assign(health, { at: Date.now(), why: "now" });
  judge();
  updateHealth();
});

el.resetRules.addEventListener("click", () => {
  if (!health.summary) return;
  health.edits = {};
  fillThresholds();
  judge();
  updateHealth();
});

// ---------------------------------------------------------------------------------------------
// Issues (SPEC §3), and moving the text area's cursor to one.

function pointerTokens(path) {
  if (!path) return [];
  return path.slice(1).split("/").map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function where(issue) {
  if (issue.line === null) return null;
  return issue.column === null ? `line ${issue.line}` : `line ${issue.line}, column ${issue.column}`;
}

/** Whether the text area still holds the text the shown result was made from. */
function textareaIsSource() {
  return Boolean(shown?.source?.inTextarea) && el.input.value === shown.source.text;
}

/** Issues listed at first, and added by each "Show more": a big input has up to 1000. */
const ISSUES_PAGE = 100;

function issueItem(issue, i, jumpable) {
  const loc = where(issue);
  const parts = [
    h("span", { class: `badge sev-${issue.severity}`, text: issue.severity }),
    h("code", { class: "code", text: issue.code }),
    h("code", { class: "path", text: issue.path === "" ? '"" (the whole input)' : issue.path }),
    loc ? h("span", { class: "loc", text: loc }) : null,
    h("span", { class: "message", text: issue.message }),
  ];
  const item = jumpable
    ? h("button", { type: "button", class: "issue", "data-index": i, title: "Show it in the input" }, parts)
    : h("div", { class: "issue" }, parts);
  return h("li", {}, item);
}

/** The issues section: the first ISSUES_PAGE issues, and a button for more. */
function renderIssues(s) {
  const sec = el.issues;
  sec.dataset.source = source.name;
  const head = h("h2", { id: "issues-title" }, "Issues ",
    h("span", { class: "of", text: `${plural(s.errorCount, "error")}, ${plural(s.warningCount, "warning")}` }));
  if (s.issues.length === 0) {
    sec.replaceChildren(head, h("p", { class: "empty", text: "No issues: every record is a valid run." }));
    return;
  }
  const jumpable = shown.source.inTextarea;
  // Without buttons in it, the list itself takes the focus, so that keys scroll it.
  const list = h("ol", { class: "issue-list", tabindex: jumpable ? null : "0", "aria-label": jumpable ? null : "Issues" });
  const note = h("p", { class: "note", "aria-live": "polite" });
  const more = h("button", { type: "button", class: "more" });
  const total = s.errorCount + s.warningCount;
  let listed = 0;
  const listMore = () => {
    const upto = Math.min(s.issues.length, listed + ISSUES_PAGE);
    const frag = document.createDocumentFragment();
    for (let i = listed; i < upto; i++) frag.append(issueItem(s.issues[i], i, jumpable));
    list.append(frag);
    listed = upto;
    const rest = s.issues.length - listed;
    more.hidden = rest === 0;
    more.textContent = `Show ${count(Math.min(rest, ISSUES_PAGE))} more`;
    note.textContent = listed < total
      ? `Listing ${count(listed)} of ${count(total)} issues` +
        (s.issuesTruncated ? ` (the package reports the first ${count(s.issues.length)}; the counts above cover all).` : ".")
      : "";
  };
  more.addEventListener("click", () => {
    const first = listed;
    listMore();
    // Keyboard users go on from the first new issue.
    const next = list.children[first]?.querySelector("button.issue");
    if (next) next.focus();
  });
  listMore();
  const intro = h("p", { class: "explain", text: jumpable
    ? "Errors make a run invalid; warnings keep it. Choose an issue to move the input's cursor to it."
    : "Errors make a run invalid; warnings keep it. The input is not in the text area, so positions are given as lines and columns." });
  sec.replaceChildren(head, intro, list, h("div", { class: "more-row" }, more, note));
}

el.issues.addEventListener("click", (e) => {
  const button = e.target.closest("button.issue");
  if (!button || !shown) return;
  const issue = shown.summary.issues[Number(button.dataset.index)];
  if (issue) jumpTo(issue);
});

/** UTF-16 offset of `line` and `column` (1-based; column in code points, SPEC §3) in `text`. */
function offsetOf(text, line, column) {
  let pos = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", pos);
    if (nl < 0) return text.length;
    pos = nl + 1;
  }
  let end = text.indexOf("\n", pos);
  if (end < 0) end = text.length;
  for (let c = 1; c < column && pos < end; c++) {
    const unit = text.charCodeAt(pos);
    const pair = unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(pos + 1) & 0xfc00) === 0xdc00;
    pos += pair ? 2 : 1;
  }
  return pos;
}

const WS = new Set([" ", "\t", "\n", "\r"]);
function skipWs(text, i) {
  while (i < text.length && WS.has(text[i])) i++;
  return i;
}
function skipString(text, i) {
  for (let k = i + 1; k < text.length; k++) {
    if (text[k] === "\\") k++;
    else if (text[k] === '"') return k + 1;
  }
  return text.length;
}
function skipValue(text, i) {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    for (let k = i; k < text.length; k++) {
      const d = text[k];
      if (d === '"') k = skipString(text, k) - 1;
      else if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        depth--;
        if (depth === 0) return k + 1;
      }
    }
    return text.length;
  }
  let k = i;
  while (k < text.length && !WS.has(text[k]) && text[k] !== "," && text[k] !== "}" && text[k] !== "]") k++;
  return Math.max(k, i + 1);
}

/**
 * The span of the value a JSON Pointer names in JSON `text`, or of its deepest ancestor there
 * (a missing key points at its object). Issues of JSON documents carry no line (SPEC §3), so
 * this finds them in the text.
 */
function locate(text, tokens) {
  let i = skipWs(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  for (const token of tokens) {
    let found = -1;
    if (text[i] === "{") {
      let j = skipWs(text, i + 1);
      while (j < text.length && text[j] === '"') {
        const keyEnd = skipString(text, j);
        let key;
        try {
          key = JSON.parse(text.slice(j, keyEnd));
        } catch {
          break;
        }
        j = skipWs(text, keyEnd);
        if (text[j] !== ":") break;
        j = skipWs(text, j + 1);
        if (key === token) {
          found = j;
          break;
        }
        j = skipWs(text, skipValue(text, j));
        if (text[j] !== ",") break;
        j = skipWs(text, j + 1);
      }
    } else if (text[i] === "[" && /^(0|[1-9]\d*)$/.test(token)) {
      const want = Number(token);
      let j = skipWs(text, i + 1);
      for (let k = 0; j < text.length && text[j] !== "]"; k++) {
        if (k === want) {
          found = j;
          break;
        }
        j = skipWs(text, skipValue(text, j));
        if (text[j] !== ",") break;
        j = skipWs(text, j + 1);
      }
    }
    if (found < 0) break;
    i = found;
  }
  return [i, Math.min(skipValue(text, i), text.length)];
}

/**
 * Moves the text area's selection to the issue and focuses it: the exact position when the
 * issue has a line and column; the record's line when it has a line only (NDJSON); the value
 * its path names when it has neither (JSON documents).
 */
function jumpTo(issue) {
  if (!textareaIsSource()) {
    el.sourceNote.textContent = "The text area has changed since this result; the issue's position may have moved.";
  }
  const text = el.input.value;
  let start;
  let end;
  if (issue.line !== null) {
    start = offsetOf(text, issue.line, issue.column ?? 1);
    if (issue.column !== null) end = start;
    else {
      end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
    }
  } else {
    [start, end] = locate(text, pointerTokens(issue.path));
  }
  el.input.focus();
  el.input.setSelectionRange(start, end);
  scrollToOffset(start);
}

let charWidth = 0;
function scrollToOffset(offset) {
  const ta = el.input;
  const text = ta.value;
  const cs = getComputedStyle(ta);
  const lineHeight = parseFloat(cs.lineHeight) || 18;
  let line = 0;
  for (let p = text.indexOf("\n"); p >= 0 && p < offset; p = text.indexOf("\n", p + 1)) line++;
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  if (!charWidth) {
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
    charWidth = ctx.measureText("0").width || 8;
  }
  ta.scrollTop = Math.max(0, line * lineHeight - ta.clientHeight / 3);
  ta.scrollLeft = Math.max(0, (offset - lineStart) * charWidth - ta.clientWidth / 2);
}

// ---------------------------------------------------------------------------------------------
// Normalized runs

let previewToken = 0;

function outputFormat() {
  return document.querySelector('input[name="format"]:checked').value;
}

async function renderOutput() {
  const token = ++previewToken;
  const out = shown?.output;
  const fmt = outputFormat();
  el.normalized.dataset.source = shown?.source?.name ?? "";
  el.normalized.dataset.format = fmt;
  if (!out) {
    el.output.textContent = "";
    el.copy.disabled = el.download.disabled = true;
    el.outputStatus.textContent = shown?.outputNote ?? "";
    return;
  }
  const blob = out[fmt];
  let text = await blob.slice(0, PREVIEW_BYTES).text();
  if (token !== previewToken) return;
  const partial = blob.size > PREVIEW_BYTES;
  if (partial) text = text.slice(0, text.lastIndexOf("\n") + 1);
  el.output.textContent = text;
  el.copy.disabled = el.download.disabled = false;
  el.outputStatus.textContent =
    `${count(out.runs)} run${out.runs === 1 ? "" : "s"}, ${bytes(blob.size)}` +
    (partial ? ` — the preview shows the first ${bytes(text.length)}; copy or download for all of it.` : ".");
}

for (const radio of document.querySelectorAll('input[name="format"]')) {
  radio.addEventListener("change", renderOutput);
}

function outputName() {
  const base = (shown?.source?.name ?? "runs").replace(/\.(json|ndjson|jsonl|txt)$/i, "");
  return `${base}.normalized.${outputFormat()}`;
}

el.copy.addEventListener("click", async () => {
  const blob = shown?.output?.[outputFormat()];
  if (!blob) return;
  try {
    await navigator.clipboard.write([new ClipboardItem({ "text/plain": new Blob([blob], { type: "text/plain" }) })]);
    el.outputStatus.textContent = `Copied ${count(shown.output.runs)} runs as ${outputFormat().toUpperCase()} (${bytes(blob.size)}).`;
  } catch (e) {
    el.outputStatus.textContent = `Copying failed (${e?.message ?? e}); use Download instead.`;
  }
});

el.download.addEventListener("click", () => {
  const blob = shown?.output?.[outputFormat()];
  if (!blob) return;
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: outputName() });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  el.outputStatus.textContent = `Downloading ${outputName()} (${bytes(blob.size)}).`;
});

// ---------------------------------------------------------------------------------------------
// Charts (uPlot)

const plots = [];

/** The charts' colours, read from the style sheet once per colour scheme. */
let colours = null;
function palette() {
  if (!colours) {
    const cs = getComputedStyle(document.documentElement);
    const v = (name) => cs.getPropertyValue(name).trim();
    colours = {
      text: v("--fg-muted"), grid: v("--grid"), ok: v("--ok"), warn: v("--warn"), bad: v("--bad"),
      stopped: v("--stopped"), accent: v("--accent"),
    };
  }
  return colours;
}

function axis(p, extra = {}) {
  return {
    stroke: p.text,
    grid: { stroke: p.grid, width: 1 },
    ticks: { stroke: p.grid, width: 1 },
    font: "12px system-ui, sans-serif",
    labelFont: "12px system-ui, sans-serif",
    ...extra,
  };
}

const utc = (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC");

function plotBox(fig) {
  return fig.querySelector(".plot");
}

function chartSize(fig) {
  const w = Math.max(240, Math.floor(plotBox(fig).clientWidth));
  return { width: w, height: Math.round(Math.min(260, Math.max(180, w * 0.55))) };
}

function clearCharts() {
  while (plots.length) plots.pop().destroy();
}

function emptyChart(fig, text) {
  plotBox(fig).replaceChildren(h("p", { class: "empty", text }));
}

/** Drawing the three charts, as separate steps. */
function chartSteps() {
  return [
    clearCharts,
    () => drawDurations(shown.summary, shown.chart, palette()),
    () => drawDaily(shown.summary, palette()),
    () => drawRows(shown.summary, palette()),
  ];
}

function renderCharts() {
  if (shown) for (const step of chartSteps()) step();
}

function caption(fig, text) {
  fig.querySelector(".caption-text").textContent = text;
}

function drawDurations(s, chart, p) {
  const fig = $("chart-durations");
  if (!chart || chart.total === 0) {
    caption(fig, chart ? "— no valid run has a duration." : "— not drawn for this input (see Normalized runs).");
    emptyChart(fig, chart ? "No valid run has a duration." : "Not drawn for this input.");
    return;
  }
  const [unit, div] = s.durationMs.max >= 600_000 ? ["minutes", 60] : ["seconds", 1];
  const ys = [0, 1, 2, 3].map(() => new Array(chart.shown).fill(null));
  for (let k = 0; k < chart.shown; k++) {
    const g = chart.group[k];
    if (g < 4) ys[g][k] = chart.y[k] / div;
  }
  const failedShown = ys[2].some((y) => y !== null);
  caption(fig,
    `— ${count(chart.total)} runs from ${when(s.firstCreatedAt).slice(0, 10)} to ${when(s.lastCreatedAt).slice(0, 10)}: ` +
    `median ${duration(s.durationMs.p50)}, 95th percentile ${duration(s.durationMs.p95)}, longest ${duration(s.durationMs.max)}` +
    (failedShown ? "; failed runs in red" : "") +
    (chart.shown < chart.total ? ` (${count(chart.shown)} points: 1 in ${chart.step} runs of each status).` : "."));
  const groups = [["Succeeded", p.ok], ["Warning", p.warn], ["Failed", p.bad], ["Cancelled or interrupted", p.stopped]];
  const box = plotBox(fig);
  box.replaceChildren();
  const plot = new uPlot({
    ...chartSize(fig),
    tzDate: utc,
    legend: { live: false },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.08 : 1] } },
    axes: [axis(p), axis(p, { label: unit, size: 48 })],
    series: [
      { label: "Created (UTC)" },
      ...groups.map(([label, color]) => ({
        label,
        stroke: color,
        fill: color,
        paths: () => null,
        points: { show: true, size: 5, width: 1, stroke: color, fill: color },
      })),
    ],
  }, [Array.from(chart.x), ...ys], box);
  plots.push(plot);
}

function dailyX(s) {
  return s.daily.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000);
}

function dayRange(u, min, max) {
  return [min - 43200, max + 43200];
}

function drawDaily(s, p) {
  const fig = $("chart-daily");
  if (s.daily.length === 0) {
    caption(fig, "— no valid runs.");
    emptyChart(fig, "No valid runs.");
    return;
  }
  const worst = s.daily.reduce((a, d) => (d.failed > a.failed ? d : a), s.daily[0]);
  const failDays = s.daily.filter((d) => d.failed > 0).length;
  caption(fig,
    `— ${count(s.daily.length)} day${s.daily.length === 1 ? "" : "s"} (UTC), ${count(failDays)} with a failed run` +
    (worst.failed > 1 ? `; the most on ${worst.date} (${count(worst.failed)} of ${count(worst.runs)}).` : "."));
  const box = plotBox(fig);
  box.replaceChildren();
  const bars = uPlot.paths.bars;
  const plot = new uPlot({
    ...chartSize(fig),
    tzDate: utc,
    legend: { live: false },
    scales: { x: { time: true, range: dayRange }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [axis(p), axis(p, { label: "runs", size: 44 })],
    series: [
      { label: "Day (UTC)", value: (u, v) => (v === null ? "—" : new Date(v * 1000).toISOString().slice(0, 10)) },
      { label: "Succeeded", stroke: p.ok, fill: p.ok, paths: bars({ size: [0.4, 24, 1], align: -1 }), points: { show: false } },
      { label: "Failed", stroke: p.bad, fill: p.bad, paths: bars({ size: [0.4, 24, 1], align: 1 }), points: { show: false } },
    ],
  }, [dailyX(s), s.daily.map((d) => d.succeeded), s.daily.map((d) => d.failed)], box);
  plots.push(plot);
}

function drawRows(s, p) {
  const fig = $("chart-rows");
  if (s.daily.length === 0) {
    caption(fig, "— no valid runs.");
    emptyChart(fig, "No valid runs.");
    return;
  }
  const synced = s.daily.map((d) => d.attemptedRows - d.failedRows);
  const rejected = s.daily.map((d) => d.failedRows);
  const worst = s.daily.reduce((a, d) => (d.failedRows > a.failedRows ? d : a), s.daily[0]);
  caption(fig,
    `— ${grouped.format(s.rows.successful.total)} rows synced and ${grouped.format(s.rows.failed.total)} rejected` +
    (worst.failedRows > 0 ? `; the most rejected on ${worst.date} (${grouped.format(worst.failedRows)}).` : ".") +
    " Rejected rows use the right-hand scale.");
  const box = plotBox(fig);
  box.replaceChildren();
  const fmt = (u, vals) => vals.map((v) => compact.format(v));
  // Markers and dashes help a month of days and clutter years of them.
  const few = s.daily.length <= 62;
  const plot = new uPlot({
    ...chartSize(fig),
    tzDate: utc,
    legend: { live: false },
    scales: {
      x: { time: true, range: dayRange },
      y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] },
      rej: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] },
    },
    axes: [
      axis(p),
      axis(p, { label: "synced", size: 52, values: fmt }),
      axis(p, { label: "rejected", scale: "rej", side: 1, size: 52, values: fmt, grid: { show: false } }),
    ],
    series: [
      { label: "Day (UTC)", value: (u, v) => (v === null ? "—" : new Date(v * 1000).toISOString().slice(0, 10)) },
      { label: "Synced", stroke: p.accent, width: few ? 2 : 1, points: { show: few } },
      { label: "Rejected", stroke: p.bad, width: few ? 2 : 1, scale: "rej", dash: few ? [6, 3] : undefined, points: { show: few } },
    ],
  }, [dailyX(s), synced, rejected], box);
  plots.push(plot);
}

// Charts follow their box's width and the colour scheme.
let resizeFrame = 0;
let chartsWidth = 0;
new ResizeObserver((entries) => {
  // Only width matters; a new chart height must not start another round.
  const width = Math.round(entries[0].contentRect.width);
  if (width === chartsWidth) return;
  chartsWidth = width;
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(() => {
    for (const plot of plots) {
      const fig = plot.root.closest("figure");
      if (fig) plot.setSize(chartSize(fig));
    }
  });
}).observe(el.charts.querySelector(".charts"));
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
  colours = null;
  if (shown) renderCharts();
});

// ---------------------------------------------------------------------------------------------
// Start on the default sample.

loadSample(el.sample.value || "month").catch((e) => showError(e.message));

// Health (SPEC §9): the package's checkHealth on the summary, at a moment and with thresholds
// the visitor can change. Only how each rule reads is here; every judgement is the package's.

import { $, el } from "./page.js";
import { percent, plural, duration, h, time } from "./format.js";
import { pkg, source } from "./job.js";
import { verdict } from "./summary.js";

export const HEALTH_TONE = { ok: "ok", warning: "warn", critical: "bad", unknown: "stopped" };

/** Significant digits enough for any threshold typed, without float noise (0.07 * 100). */
export const tidy = (x) => Number(x.toPrecision(12));
export const times = (v) => `${v.toFixed(2)}× the median`;

/**
 * How each rule reads: its title, what its value means, the bad side of its thresholds
 * (SPEC §9.1) and the unit the thresholds are typed in (with the conversion both ways).
 */
export const RULE_VIEW = {
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
export const plainView = (rule) => ({
  title: rule, bad: "", unit: "", step: "any", value: (v) => String(v), toInput: (v) => v, fromInput: (x) => x,
});
export const viewOf = (rule) => RULE_VIEW[rule] ?? plainView(rule);

/**
 * What the panel judges: the summary, the moment (`at`, ms, and why it is that moment), the
 * thresholds the visitor changed (`edits`: rule → { warning?, critical? }, in the rule's own
 * units, kept from one input to the next) and the last result (null while the edits are not
 * valid). `src` is the input being checked, so that a chosen moment survives re-checking the
 * same input (the warning option) but not a new one.
 */
export const health = {
  summary: null, at: 0, why: "now", edits: {}, result: null, error: null, invalidRule: null, src: null, judgedSrc: null, rules: [],
};

/** Bundled samples are judged at their latest run's time; anything else at the current time. */
export function defaultMoment(s, src) {
  if (src?.sample && s.latest) return { at: Date.parse(s.latest.createdAt), why: "latest" };
  return { at: Date.now(), why: src?.sample ? "now-no-runs" : "now" };
}

export function startHealth(s) {
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
export function judge(edited = null) {
  try {
    health.result = pkg.checkHealth(health.summary, { now: health.at, rules: rulesOption() });
    health.error = health.invalidRule = null;
  } catch (e) {
    health.result = null;
    health.error = e?.name === "SyncRunError" ? e.message : String(e?.message ?? e);
    if (edited !== null) health.invalidRule = edited;
  }
}

export function rulesOption() {
  const rules = {};
  for (const [rule, pair] of Object.entries(health.edits)) if (Object.keys(pair).length > 0) rules[rule] = { ...pair };
  return rules;
}

/** The overall status and the checks behind it: "Critical: failure streak and success rate; warning: freshness." */
export function overallText(result) {
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

export function showHealthEmpty() {
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

export function thresholdInput(rule, kind, view) {
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
export function renderHealth() {
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
export function fillThresholds() {
  for (const input of el.healthBody.querySelectorAll("input.threshold")) {
    const { rule, kind } = input.dataset;
    const edit = health.edits[rule]?.[kind];
    const value = edit ?? health.rules.find((r) => r.rule === rule)?.[kind];
    input.value = value === undefined ? "" : String(viewOf(rule).toInput(value));
    input.removeAttribute("aria-invalid");
  }
}

/** Shows health.result (or `error`): the overall status, each check, the moment. */
export function updateHealth() {
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

// Summary (SPEC §5)

import { $, el } from "./page.js";
import { count, grouped, percent, plural, duration, h, time, statusBadge } from "./format.js";
import { source } from "./job.js";
import { HEALTH_TONE, times, health, overallText } from "./health.js";

export function figure(field, label, value, note) {
  return h("div", { class: "figure", "data-field": field },
    h("dt", { text: label }),
    h("dd", {}, h("span", { class: "value", text: value }), note ? h("span", { class: "sub", text: note }) : null));
}

/** The summary's first line: what cannot be read, else the health's overall status (SPEC §9.2). */
export function verdict(s, result) {
  if (s.records === 0) return ["bad", "Nothing could be read as runs."];
  if (s.valid === 0) return ["bad", "No record is a valid run."];
  const invalid = s.invalid > 0 ? ` ${count(s.invalid)} record${s.invalid === 1 ? " is" : "s are"} not valid runs.` : "";
  if (result === null) return ["unknown", `The thresholds are not valid (see Health).${invalid}`];
  return [HEALTH_TONE[result.status], `${overallText(result)}${invalid}`];
}

export function renderSummary(s) {
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

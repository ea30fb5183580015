// Charts (uPlot)

import uPlot from "/vendor/uplot/uPlot.esm.js";
import { $, el } from "./page.js";
import { count, grouped, compact, duration, when, h, time } from "./format.js";
import { shown } from "./job.js";
import { figure } from "./summary.js";

export const plots = [];

/** The charts' colours, read from the style sheet once per colour scheme. */
export let colours = null;
export function palette() {
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

export function axis(p, extra = {}) {
  return {
    stroke: p.text,
    grid: { stroke: p.grid, width: 1 },
    ticks: { stroke: p.grid, width: 1 },
    font: "12px system-ui, sans-serif",
    labelFont: "12px system-ui, sans-serif",
    ...extra,
  };
}

export const utc = (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC");

export function plotBox(fig) {
  return fig.querySelector(".plot");
}

export function chartSize(fig) {
  const w = Math.max(240, Math.floor(plotBox(fig).clientWidth));
  return { width: w, height: Math.round(Math.min(260, Math.max(180, w * 0.55))) };
}

export function clearCharts() {
  while (plots.length) plots.pop().destroy();
}

export function emptyChart(fig, text) {
  plotBox(fig).replaceChildren(h("p", { class: "empty", text }));
}

/** Drawing the three charts, as separate steps. */
export function chartSteps() {
  return [
    clearCharts,
    durationsStep,
    () => drawDaily(shown.summary, palette()),
    () => drawRows(shown.summary, palette()),
  ];
}

/** The durations chart, from the runs (`shown.chart`); while only the summary has come, a note. */
export function durationsStep() {
  if (shown.early) {
    const fig = $("chart-durations");
    caption(fig, "— reading the runs…");
    emptyChart(fig, "Reading the runs…");
    return;
  }
  drawDurations(shown.summary, shown.chart, palette());
}

export function renderCharts() {
  if (shown) for (const step of chartSteps()) step();
}

export function caption(fig, text) {
  fig.querySelector(".caption-text").textContent = text;
}

export function drawDurations(s, chart, p) {
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

export function dailyX(s) {
  return s.daily.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000);
}

export function dayRange(u, min, max) {
  return [min - 43200, max + 43200];
}

export function drawDaily(s, p) {
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

export function drawRows(s, p) {
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
export let resizeFrame = 0;
export let chartsWidth = 0;
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

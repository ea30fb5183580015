// Formatting

import { pkg } from "./job.js";

/** Run counts stay plain digits, so "114 valid" reads the same in every locale. */
export const count = (n) => String(n);
export const grouped = new Intl.NumberFormat("en-US");
export const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** SPEC §5 rates as a percentage with `digits` decimals; "—" when the rate is null. */
export function percent(rate, digits = 1) {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(digits)}%`;
}

export function plural(n, word) {
  return `${count(n)} ${word}${n === 1 ? "" : "s"}`;
}

export function bytes(n) {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

export function duration(ms) {
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
export function when(ts) {
  return ts ? `${ts.slice(0, 10)} ${ts.slice(11, 16)} UTC` : "—";
}

export function h(tag, attrs = {}, ...children) {
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

export function time(ts) {
  return ts ? h("time", { datetime: ts, text: when(ts) }) : "—";
}

/**
 * A status's badge colour, from the package's table (SPEC §2.1, in its order): success,
 * warning and failed each their own, the other terminal statuses "stopped", the in-progress
 * ones "running". Badges are drawn with a result, so after the package has loaded.
 */
export let statusTones = null;
export function statusBadge(status) {
  statusTones ??= new Map(pkg.runStatuses().map(({ status: s, terminal }, i) =>
    [s, terminal ? ["ok", "warn", "bad", "stopped"][Math.min(i, 3)] : "running"]));
  return h("span", { class: `badge status-${statusTones.get(status) ?? "running"}`, text: status });
}

// Issues (SPEC §3), and moving the text area's cursor to one.

import { $, el } from "./page.js";
import { count, plural, h } from "./format.js";
import { source, shown } from "./job.js";

export function where(issue) {
  if (issue.line === null) return null;
  return issue.column === null ? `line ${issue.line}` : `line ${issue.line}, column ${issue.column}`;
}

/** Whether the text area still holds the text the shown result was made from. */
export function textareaIsSource() {
  return Boolean(shown?.source?.inTextarea) && el.input.value === shown.source.text;
}

/** Issues listed at first, and added by each "Show more": a big input has up to 1000. */
export const ISSUES_PAGE = 100;

export function issueItem(issue, i, jumpable) {
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
export function renderIssues(s) {
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
export function offsetOf(text, line, column) {
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

/**
 * Moves the text area's cursor to the issue and focuses it: to its line and column, which the
 * package gives for every issue of a run in a text (SPEC §3: the value the path names, or the
 * object that lacks a missing key); an NDJSON record's issue has a line only, and selects it.
 */
export function jumpTo(issue) {
  if (!textareaIsSource()) {
    el.sourceNote.textContent = "The text area has changed since this result; the issue's position may have moved.";
  }
  const text = el.input.value;
  const start = issue.line === null ? 0 : offsetOf(text, issue.line, issue.column ?? 1);
  let end = start;
  if (issue.line !== null && issue.column === null) {
    end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
  }
  el.input.focus();
  el.input.setSelectionRange(start, end);
  scrollToOffset(start);
}

export let charWidth = 0;
export function scrollToOffset(offset) {
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

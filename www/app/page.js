// The page's elements and its few constants: what every module of the demo page shares.

/** Files up to this size are also shown (and editable) in the text area. */
export const TEXTAREA_LIMIT = 2 * 1024 * 1024;
/** The normalized-output preview shows at most this much; copy and download give everything. */
export const PREVIEW_BYTES = 16 * 1024;
export const TYPING_DELAY_MS = 250;

export const $ = (id) => document.getElementById(id);
export const el = {
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

// A CommonJS module in a web build: `require("syncrun")` must give working functions, not a
// Promise (webpack 5, SPEC §12).
const api = require("syncrun");
const { figures, line } = require("../common/figures.cjs");

window.FIGURES = figures(api);
document.body.textContent = line(window.FIGURES);

// Node, Bun: `require` of the package (SPEC §12), which must never meet an ES module.
const api = require("syncrun");
const { figures, line } = require("../common/figures.cjs");

console.log(line(figures(api)));

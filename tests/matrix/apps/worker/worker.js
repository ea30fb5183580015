// A module worker: the import resolves once the .wasm is compiled (a top-level await in the
// package), and only then does this module run. Messages that arrive before that are not
// delivered to an `onmessage` that does not exist yet, so the worker says "ready" first.
import * as api from "/node_modules/syncrun/browser.js";
import { figures } from "/apps/common/figures.js";

onmessage = () => postMessage(figures(api));
postMessage("ready");

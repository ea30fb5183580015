// The Vite app's entry: the shared page script (its root is this folder, so it is imported).
import "../bundle/main.js";

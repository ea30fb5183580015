"use client";
// A client component (SPEC §12): the figures are computed in the browser, after hydration.
import { useEffect, useState } from "react";
import * as api from "syncrun";
import { figures, line } from "../../../common/figures.js";

export default function Client() {
  const [text, setText] = useState("loading");
  useEffect(() => {
    window.FIGURES = figures(api);
    setText(line(window.FIGURES));
  }, []);
  return <pre id="client">{text}</pre>;
}

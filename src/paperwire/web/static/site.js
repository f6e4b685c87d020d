// Render $...$ and $$...$$ math in titles and abstracts with the locally served KaTeX.
// trust: false keeps \href, \url and \includegraphics inert; errors render in place, never throw.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  if (typeof window.renderMathInElement !== "function") return;
  var options = {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "\\[", right: "\\]", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
    ],
    throwOnError: false,
    trust: false,
    strict: "ignore",
    ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option", "input"],
  };
  document.querySelectorAll(".math").forEach(function (element) {
    window.renderMathInElement(element, options);
  });
});

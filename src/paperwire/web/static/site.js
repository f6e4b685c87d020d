// Render $...$ and $$...$$ math in titles and abstracts with the locally served KaTeX.
// trust: false keeps \href, \url and \includegraphics inert; errors render in place, never throw.
// On a paper page, fetch the similar-papers fragment (server-rendered, escaped) into its section.
"use strict";
var MATH_OPTIONS = {
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

function renderMath(root) {
  if (typeof window.renderMathInElement !== "function") return;
  root.querySelectorAll(".math").forEach(function (element) {
    window.renderMathInElement(element, MATH_OPTIONS);
  });
}

function loadSimilar(section) {
  var source = section.getAttribute("data-similar-src");
  fetch(source, { headers: { Accept: "text/html" } })
    .then(function (response) {
      if (!response.ok) throw new Error("similar papers: HTTP " + response.status);
      return response.text();
    })
    .then(function (html) {
      section.insertAdjacentHTML("beforeend", html);
      renderMath(section);
    })
    .catch(function () {
      var link = document.createElement("a");
      link.href = source.replace(/\?partial=1$/, "");
      link.textContent = "Show similar papers";
      section.appendChild(link);
    });
}

document.addEventListener("DOMContentLoaded", function () {
  renderMath(document);
  document.querySelectorAll("[data-similar-src]").forEach(loadSimilar);
});

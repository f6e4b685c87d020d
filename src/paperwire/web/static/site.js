// Render $...$ and $$...$$ math in titles and abstracts with the locally served KaTeX.
// trust: false keeps \href, \url and \includegraphics inert; errors render in place, never throw.
// On a paper page, fetch the similar-papers fragment (server-rendered, escaped) into its section.
// Upvotes toggle without a reload, comment boxes grow, and `/`, `j`, `k` work as shortcuts; every form
// still works without this file (a post, a redirect, a flash message).
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

function announce(text) {
  var region = document.getElementById("flash");
  if (!region) return;
  var message = document.createElement("p");
  message.className = "flash";
  message.textContent = text;
  region.replaceChildren(message);
}

// Show one paper's vote everywhere on the page (a paper can be on a card and in the page header).
function showVote(paperId, voted, upvotes) {
  document.querySelectorAll("form.upvote-form[data-paper-id]").forEach(function (form) {
    if (form.getAttribute("data-paper-id") !== paperId) return;
    form.action = "/papers/" + paperId + (voted ? "/unvote" : "/vote");
    var button = form.querySelector("button.upvote");
    button.setAttribute("aria-pressed", voted ? "true" : "false");
    button.classList.toggle("voted", voted);
    button.title = voted ? "Remove your upvote" : "Upvote this paper";
    button.querySelector(".upvote-count").textContent = String(upvotes);
  });
}

function toggleVote(event) {
  var form = event.target;
  if (!form.matches || !form.matches("form.upvote-form[data-paper-id]") || !window.fetch) return;
  event.preventDefault();
  var button = form.querySelector("button.upvote");
  if (button.getAttribute("aria-busy") === "true") return;
  button.setAttribute("aria-busy", "true");
  var paperId = form.getAttribute("data-paper-id");
  var voted = button.getAttribute("aria-pressed") === "true";
  fetch("/papers/" + paperId + (voted ? "/unvote" : "/vote"), {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRF-Token": form.elements.csrf_token.value },
  })
    .then(function (response) {
      if (!response.ok) throw new Error("vote: HTTP " + response.status);
      return response.json();
    })
    .then(function (data) {
      showVote(paperId, data.voted, data.upvotes);
      announce(data.voted ? "Upvoted." : "Upvote removed.");
    })
    .catch(function () {
      form.submit(); // the server answers the plain form with a redirect and a message
    })
    .finally(function () {
      button.removeAttribute("aria-busy");
    });
}

// Comment boxes start at their rows (4) and grow with the text.
function grow(textarea) {
  if (!textarea.offsetParent) return; // hidden (a closed reply box): its turn comes on input
  textarea.style.height = "auto";
  textarea.style.height = textarea.scrollHeight + 2 + "px";
}

function isTyping(target) {
  return target.closest && target.closest("input, textarea, select, [contenteditable], [contenteditable=true]");
}

// `/` focuses the search box; `j` and `k` move to the next and previous paper card.
function shortcut(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
  if (event.key === "/") {
    var search = document.getElementById("site-q");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
    return;
  }
  if (event.key !== "j" && event.key !== "k") return;
  var cards = Array.prototype.slice.call(document.querySelectorAll(".paper-card"));
  if (!cards.length) return;
  var current = document.activeElement && document.activeElement.closest(".paper-card");
  var index = cards.indexOf(current);
  var next = index < 0 ? 0 : Math.min(cards.length - 1, Math.max(0, index + (event.key === "j" ? 1 : -1)));
  event.preventDefault();
  cards[next].tabIndex = -1;
  cards[next].focus({ preventScroll: true });
  cards[next].scrollIntoView({ block: "nearest" });
}

// The user menu closes on a click elsewhere or Escape.
function closeMenus(event) {
  document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
    if (event.type === "keydown" ? event.key === "Escape" : !menu.contains(event.target)) {
      menu.removeAttribute("open");
      if (event.type === "keydown") menu.querySelector("summary").focus();
    }
  });
}

document.addEventListener("DOMContentLoaded", function () {
  renderMath(document);
  document.querySelectorAll("[data-similar-src]").forEach(loadSimilar);
  document.querySelectorAll("textarea[data-grow]").forEach(grow);
});
document.addEventListener("submit", toggleVote);
document.addEventListener("input", function (event) {
  if (event.target.matches && event.target.matches("textarea[data-grow]")) grow(event.target);
});
document.addEventListener("keydown", shortcut);
document.addEventListener("keydown", closeMenus);
document.addEventListener("click", closeMenus);

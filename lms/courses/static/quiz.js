/* Quiz without full page reloads: send the form, show the new quiz screen in place.
   Everything works without this file; it only saves a page load per question. */
(function () {
  "use strict";
  var section = document.getElementById("quiz");
  if (!section || !window.fetch || !window.DOMParser) { return; }

  function show(html, url, push) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("quiz");
    if (!fresh) { throw new Error("no quiz in the answer"); }
    section.innerHTML = fresh.innerHTML;
    var line = document.querySelector(".progress-line");
    var freshLine = doc.querySelector(".progress-line");
    if (line && freshLine) { line.parentNode.replaceChild(document.importNode(freshLine, true), line); }
    if (push) { window.history.pushState({}, "", url); }
    var title = document.getElementById("quiz-title");
    if (title) { title.focus(); }
  }

  function go(url, options, push, fallback) {
    options.credentials = "same-origin";
    options.headers = { "X-Requested-With": "fetch" };
    return window.fetch(url, options).then(function (response) {
      return response.text().then(function (html) { show(html, response.url || url, push); });
    }).catch(fallback);
  }

  section.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("js-quiz")) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    go(form.action, { method: "POST", body: new FormData(form) }, false, function () { form.submit(); });
  });

  section.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.js-quiz-link") : null;
    if (!link) { return; }
    event.preventDefault();
    go(link.href, { method: "GET" }, true, function () { window.location.href = link.href; });
  });

  window.addEventListener("popstate", function () { window.location.reload(); });
}());

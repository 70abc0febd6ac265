// Save each diagnosis answer as soon as it changes, so a dropped connection loses at most one.
// An enhancement: without it the "Save and continue" button saves the whole axis.
(function () {
  "use strict";
  var form = document.querySelector("form.acc-diagnosis");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-answer-url");
  var token = form.querySelector("input[name=csrf_token]");
  function save(fieldset) {
    var question = fieldset.getAttribute("data-question");
    var checked = fieldset.querySelector("input[type=radio]:checked");
    var evidence = fieldset.querySelector("textarea");
    var body = new URLSearchParams();
    body.set("csrf_token", token ? token.value : "");
    body.set("question", question);
    body.set("score", checked ? checked.value : "");
    body.set("evidence", evidence ? evidence.value : "");
    var status = fieldset.querySelector(".acc-saved");
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (status) { status.textContent = response.ok ? "✓" : "✗"; }
      })
      .catch(function () { if (status) { status.textContent = "✗"; } });
  }
  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (fieldset) { save(fieldset); }
  });
})();

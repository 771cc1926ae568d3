// Ask CineCircle (/ask/): the picks are on the page at once; while their AI sentences are
// written, poll each pending turn's status URL every 2 s and swap the turn's HTML in.
// Without JavaScript the turn offers a "Check again" link instead.
(function () {
  "use strict";

  var POLL_MS = 2000;
  var MAX_POLLS = 300; // ten minutes

  function poll(turn, count) {
    if (count >= MAX_POLLS) return;
    window.setTimeout(function () {
      if (document.hidden) { poll(turn, count); return; }
      fetch(turn.getAttribute("data-ask-url"), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          var holder = document.createElement("div");
          holder.innerHTML = data.html.trim();
          var fresh = holder.firstElementChild;
          if (fresh) { turn.replaceWith(fresh); turn = fresh; }
          if (data.status === "pending") poll(turn, count + 1);
        })
        .catch(function () { poll(turn, count + 5); });
    }, POLL_MS);
  }

  document.querySelectorAll("[data-ask-turn][data-ask-status=pending]").forEach(function (turn) {
    poll(turn, 0);
  });
})();

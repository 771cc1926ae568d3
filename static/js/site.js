// Small progressive enhancements; every form works without JavaScript.
(function () {
  "use strict";

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Like buttons: toggle in place instead of reloading the page.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-like")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(form) },
      body: new FormData(form),
      credentials: "same-origin",
    })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        if (!res.ok) { window.alert(res.data.error || "Could not save that."); return; }
        button.setAttribute("aria-pressed", res.data.liked ? "true" : "false");
        button.querySelector(".like-label").textContent = res.data.liked ? "Liked" : "Like";
        button.querySelector(".like-count").textContent = res.data.like_count;
      })
      .catch(function () { form.submit(); })
      .finally(function () { button.disabled = false; });
  });

  // Onboarding: mark a card as rated as soon as a star is picked, and count towards the minimum.
  var progress = document.getElementById("onboarding-progress");
  function ratedCards() {
    return document.querySelectorAll(".onboarding-grid .movie-card input[type=radio]:checked").length;
  }
  var base = progress ? Number(progress.dataset.rated) - ratedCards() : 0;
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio") return;
    var card = input.closest(".onboarding-grid .movie-card");
    if (!card) return;
    card.classList.add("is-rated");
    if (!progress) return;
    var total = base + ratedCards();
    var left = Math.max(0, Number(progress.dataset.minimum) - total);
    progress.textContent = "You have rated " + total + " movie" + (total === 1 ? "" : "s") +
      (left ? "; " + left + " more to go." : ". Ready: save to continue.");
  });
})();

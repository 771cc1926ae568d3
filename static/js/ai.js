// The AI panels (review draft, discussion suggestions) of the movie page and the review form
// page: ask without leaving the page, then poll the panel's status URL every 2 s until the
// text is ready or failed. Without JavaScript the same buttons POST and redirect back; the
// draft panel's (and its "Check again") submit the review form (form=, formaction=), so that
// what the member typed there comes back with the page.
(function () {
  "use strict";

  var POLL_MS = 2000;
  var MAX_POLLS = 300; // ten minutes; then the panel asks for a reload instead

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function reviewBox() {
    return document.querySelector("#review-form textarea[name=body]");
  }

  // Refresh a panel from the server's HTML. The element itself stays (only its attributes
  // and contents change), so screen readers announce the change through its aria-live.
  function swap(panel, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.firstElementChild;
    if (!fresh) return panel;
    Array.prototype.slice.call(panel.attributes).forEach(function (attr) {
      if (!fresh.hasAttribute(attr.name)) panel.removeAttribute(attr.name);
    });
    Array.prototype.slice.call(fresh.attributes).forEach(function (attr) {
      panel.setAttribute(attr.name, attr.value);
    });
    panel.replaceChildren.apply(panel, Array.prototype.slice.call(fresh.childNodes));
    offerUse(panel);
    return panel;
  }

  // The review form page shows a ready draft to copy; with JavaScript its "Use this draft"
  // button appears too.
  function offerUse(root) {
    root.querySelectorAll("[data-ai-use]").forEach(function (button) { button.hidden = false; });
  }

  // A draft goes into the review box when it has just become ready or when the member asks
  // for it ("Use this draft"); text the member typed there is replaced only if they agree.
  function fillDraft(panel) {
    var draft = panel.getAttribute("data-ai-draft");
    var box = reviewBox();
    if (draft === null || !box) return;
    if (box.value.trim() && box.value !== draft &&
        !window.confirm("Replace what you typed with the AI-generated draft?")) return;
    box.value = draft;
    box.focus();
  }

  function settle(panel, previous) {
    var status = panel.getAttribute("data-ai-status");
    if (status === "pending") { poll(panel, 0, {}); return; }
    if (status === "ready" && previous !== "ready" && panel.getAttribute("data-ai-panel") === "review-draft") {
      fillDraft(panel);
    }
  }

  // One polling loop per panel: `loop` marks the current one, an older one stops.
  function poll(panel, count, loop) {
    panel.aiLoop = loop;
    if (count >= MAX_POLLS) {
      var note = document.createElement("p");
      note.className = "muted";
      note.textContent = "Still working on it. Reload the page in a little while to see it.";
      panel.appendChild(note);
      return;
    }
    window.setTimeout(function () {
      if (panel.aiLoop !== loop || panel.getAttribute("data-ai-status") !== "pending") return;
      if (document.hidden) { poll(panel, count, loop); return; } // no requests from a background tab
      fetch(panel.getAttribute("data-ai-url"), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          if (panel.aiLoop !== loop) return;
          if (data.status === "pending") { poll(panel, count + 1, loop); return; }
          settle(swap(panel, data.html), "pending");
        })
        .catch(function () { poll(panel, count + 5, loop); }); // back off on errors, give up eventually
    }, POLL_MS);
  }

  // Ask, retry and discard through fetch; the server answers the panel's new HTML. A button
  // that belongs to the review form posts the panel form it sits in here.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.hasAttribute("data-ai-native")) return; // the fallback below
    var form = (button && button.closest(".js-ai-form")) || event.target;
    if (!form.classList || !form.classList.contains("js-ai-form")) return;
    var panel = form.closest("[data-ai-panel]");
    if (!panel) return;
    event.preventDefault();
    var previous = panel.getAttribute("data-ai-status");
    var draft = panel.getAttribute("data-ai-draft");
    var discarding = form.hasAttribute("data-ai-discard");
    button = button || form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(form) },
      body: new FormData(form),
      credentials: "same-origin",
    })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        if (discarding) {
          var box = reviewBox();
          if (box && draft !== null && box.value === draft) box.value = "";
        }
        settle(swap(panel, data.html), previous);
      })
      .catch(function () {
        // Post without fetch, as without JavaScript: the review form's button takes what the
        // member typed along.
        if (button && button.form && button.form !== form && button.isConnected) {
          button.disabled = false;
          button.setAttribute("data-ai-native", "");
          button.form.requestSubmit(button);
        } else {
          form.submit();
        }
      });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-ai-use]");
    var panel = button && button.closest("[data-ai-panel]");
    if (panel) fillDraft(panel);
  });

  offerUse(document);
  document.querySelectorAll("[data-ai-panel][data-ai-status=pending]").forEach(function (panel) {
    poll(panel, 0, {});
  });
})();

// The dashboard's sections whose figures were not kept when the page was made: each is a request of its
// own (/analytics/fragments/<key>), put in the place of its link once computed. Without script, the link
// shows the section on a page of its own. Same origin only; the fragment is HTML of this server.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.fetch || !window.DOMParser) { return; }
  document.querySelectorAll("section[data-fragment]").forEach(function (pending) {
    fetch(pending.getAttribute("data-fragment"), { credentials: "same-origin", headers: { "accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (text) {
        var found = new DOMParser().parseFromString(text, "text/html").querySelector("section[data-key]");
        if (!found || found.getAttribute("data-key") !== pending.getAttribute("data-key")) { throw new Error("shape"); }
        pending.replaceWith(document.importNode(found, true));
      })
      .catch(function () {
        pending.removeAttribute("aria-busy");
        var status = pending.querySelector("[data-testid=pending-status]");
        if (status) { status.textContent = pending.getAttribute("data-failed"); }
      });
  });
});

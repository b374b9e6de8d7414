// Tells the server the viewer's time zone, so that times are shown in it (and in the counterpart's zone).
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("kakehashi_tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "kakehashi_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* an old browser: the zone of the interface language is used */ }
})();

// Filters apply as soon as a choice changes (the Search button stays for typed words and for no-script use).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form.requestSubmit) { select.form.requestSubmit(); } else { select.form.submit(); }
    });
  });
});

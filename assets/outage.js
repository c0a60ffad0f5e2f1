// The database outage banner. While the database is down the server answers the app's requests
// with 503 and {"outage": true}; this shows the banner (a static element in the page, so it
// does not depend on the failed request), polls /healthz and reloads the page when it answers.
// The filters are in the address bar (written there as they are chosen), so the reload shows
// what the user last asked for.
(function () {
  "use strict";
  var POLL_MS = 3000;
  var polling = false;
  var nativeFetch = window.fetch.bind(window);

  function banner() { return document.getElementById("outage-banner"); }

  function poll() {
    nativeFetch("/healthz", { cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (r.ok) { window.location.reload(); } else { setTimeout(poll, POLL_MS); }
      })
      .catch(function () { setTimeout(poll, POLL_MS); });
  }

  function outage() {
    var element = banner();
    if (element) { element.hidden = false; }
    if (!polling) {
      polling = true;
      setTimeout(poll, POLL_MS);
    }
  }

  window.fetch = function (resource, init) {
    return nativeFetch(resource, init).then(function (response) {
      var url = typeof resource === "string" ? resource : (resource && resource.url) || "";
      if (response.status === 503 && url.indexOf("_dash") !== -1) { outage(); }
      return response;
    });
  };
})();

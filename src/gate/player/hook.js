// amperr's built-in hook for AMP-compatible player builds (docs/PLAYER.md).
//
// It creates a player on the page's <video id="amperr-video"> the way AMP pages do, raises
// a code through the player's own error path, and reads the error overlay as a viewer
// would: the rendered text of `.vjs-error-display .vjs-modal-dialog-content`, and the
// dialog's accessible description (the text of the elements its `aria-describedby` names,
// `.vjs-modal-dialog-description` in AMP), which screen readers get.
(function () {
  "use strict";
  var player = null;
  var ready = new Promise(function (resolve, reject) {
    try {
      if (typeof window.amp !== "function") {
        throw new Error("the page has no amp() factory: the scripts given are not an AMP build");
      }
      var video = document.getElementById("amperr-video");
      player = window.amp(video, { autoplay: false, controls: true }, function () {
        resolve();
      });
    } catch (e) {
      reject(e);
    }
  });
  // amperr reads the outcome itself: not an unhandled rejection to report twice.
  ready.catch(function () {});
  function describedBy(dialog) {
    var ids = dialog ? (dialog.getAttribute("aria-describedby") || "").trim() : "";
    if (ids === "") return null;
    return ids.split(/\s+/).map(function (id) {
      var element = document.getElementById(id);
      return element ? element.textContent : "";
    }).join(" ");
  }
  window.amperrPlayer = {
    ready: ready,
    raise: function (code) {
      player.error({ code: code });
    },
    clear: function () {
      player.error(null);
    },
    // What the viewer reads: the content's text as rendered (none if it is not shown),
    // and the description a screen reader is given.
    shown: function () {
      var dialog = document.querySelector(".vjs-error-display");
      var content = dialog && dialog.querySelector(".vjs-modal-dialog-content");
      var rendered = content && content.getClientRects().length > 0;
      return {
        text: rendered ? content.innerText : "",
        description: describedBy(dialog),
      };
    },
    table: function () {
      return window.amp && window.amp.errorCode ? window.amp.errorCode : null;
    },
  };
})();

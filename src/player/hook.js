// amperr's built-in hook for AMP-compatible player builds (docs/PLAYER.md).
//
// It creates a player on the page's <video id="amperr-video"> the way AMP pages do, and
// raises a code through the player's own error path. For a fault scenario (check-faults)
// it makes a fresh player with the scenario's tech order on a fresh <video>, gives it the
// source, and reports the player's own error(). It defines no `shown`: amperr's driver
// reads AMP's error overlay itself, with the browser's own DOM accessors (the rendered text
// of `.vjs-error-display .vjs-modal-dialog-content`, and the text of the elements the
// dialog's `aria-describedby` names, `.vjs-modal-dialog-description` in AMP).
(function () {
  "use strict";
  var player = null;
  var loads = 0;
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
  window.amperrPlayer = {
    ready: ready,
    raise: function (code) {
      player.error({ code: code });
    },
    clear: function () {
      player.error(null);
    },
    load: function (source, techOrder) {
      if (player && typeof player.dispose === "function") player.dispose();
      var video = document.createElement("video");
      loads += 1;
      video.id = "amperr-video-" + loads;
      video.className = "azuremediaplayer amp-default-skin";
      video.width = 640;
      video.height = 360;
      video.muted = true;
      document.body.appendChild(video);
      return new Promise(function (resolve) {
        var options = { techOrder: techOrder, autoplay: true, muted: true, controls: true };
        player = window.amp(video, options, function () {
          player.src([source]);
          resolve();
        });
      });
    },
    error: function () {
      return player ? player.error() : null;
    },
    // No `table`: amperr's default, window.amp.errorCode, is AMP's.
  };
})();

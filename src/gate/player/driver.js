// amperr's driver, put into the page once its hook is ready. `__AMPERR_SEND__` is replaced
// with the name of a one-off binding: the driver keeps the function and removes the global,
// so the page cannot speak in its place. For each code it clears the error, raises the code
// through `window.amperrPlayer`, waits for the overlay, and sends what the viewer was shown
// as one JSON line, as soon as it has it (a page stuck on one code has sent the answers
// before it). The page's timers run on virtual time, so the waits cost nothing.
(function () {
  "use strict";
  var send = window["__AMPERR_SEND__"];
  var stringify = JSON.stringify.bind(JSON);
  delete window["__AMPERR_SEND__"];
  var SETTLE = 100; // virtual milliseconds; 2.3.0 fills its overlay 50 ms after error()
  var KEPT = 2048; // characters of one text sent back: far more than any message
  var DIALOGS = 4; // dialogs named per code
  var dialogs = [];
  // A dialog would block the page: record what it said, and refuse the code.
  ["alert", "confirm", "prompt"].forEach(function (kind) {
    window[kind] = function (text) {
      if (dialogs.length < DIALOGS) dialogs.push(kind + "(" + stringify(cut(String(text))) + ")");
      return kind === "confirm" ? false : null;
    };
  });
  function cut(text) {
    return text.length > KEPT ? text.slice(0, KEPT) + "…" : text;
  }
  function settle() {
    return new Promise(function (resolve) {
      setTimeout(resolve, SETTLE);
    });
  }
  function said(error) {
    try {
      return cut(error && error.message ? String(error.message) : String(error));
    } catch (e) {
      return "(an error that cannot be shown)";
    }
  }
  async function one(hook, code, describe) {
    dialogs.length = 0;
    var text, description;
    try {
      await hook.clear();
      await settle();
      await hook.raise(code);
      await settle();
      var shown = hook.shown() || {};
      text = typeof shown.text === "string" ? shown.text : "";
      description = typeof shown.description === "string" ? shown.description : null;
    } catch (e) {
      return { code: code, error: "the player threw: " + said(e) };
    }
    if (dialogs.length > 0) {
      return { code: code, error: "the page opened a dialog: " + dialogs.join(", ") };
    }
    // The visible text is the message, a line break, then the code line.
    var at = text.lastIndexOf("\n");
    var answer = {
      code: code,
      message: cut(at < 0 ? "" : text.slice(0, at)),
      code_line: cut(at < 0 ? text : text.slice(at + 1)),
    };
    if (describe) {
      answer.accessible_description = description === null ? null : cut(description);
    }
    return answer;
  }
  window.__amperrRun = async function (codes, describe) {
    var hook = window.amperrPlayer;
    for (var i = 0; i < codes.length; i++) {
      send(stringify(await one(hook, codes[i], describe)));
    }
    return codes.length;
  };
})();

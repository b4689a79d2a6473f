  // WebRTC reaches the network outside the requests amperr intercepts (the browser is
  // started so that it cannot): each connection the page tries is named in the report.
  var attempts = "";
  var attemptCount = 0;
  function attempted(what) {
    if (attemptCount < DIALOGS * 8) attempts += (attemptCount > 0 ? "\n" : "") + cut(what);
    attemptCount += 1;
  }
  function watchConstructor(name, describe) {
    var Native = win[name];
    if (typeof Native !== "function") return;
    defineProperty(win, name, {
      configurable: true,
      enumerable: false,
      writable: true,
      value: new Proxy(Native, {
        construct: function (target, args, newTarget) {
          try {
            attempted(describe(args));
          } catch (e) {
            attempted(name);
          }
          return construct(target, args, newTarget);
        },
      }),
    });
  }
  watchConstructor("RTCPeerConnection", function (args) {
    var servers = "";
    var config = args[0];
    var list = config && config.iceServers;
    for (var i = 0; list && i < list.length && i < 8; i++) {
      var urls = list[i] && list[i].urls;
      servers += (servers ? ", " : "") + (typeof urls === "string" ? urls : toText(urls));
    }
    return "a WebRTC connection (RTCPeerConnection" + (servers ? ", ICE servers " + servers : "") + ")";
  });
  watchConstructor("webkitRTCPeerConnection", function () {
    return "a WebRTC connection (webkitRTCPeerConnection)";
  });
  var dialogs = ""; // the dialogs opened for the code in flight, named
  var dialogCount = 0;
  var navigatingTo = null;
  var inFlight = false;

  function cut(text) {
    return text.length > KEPT ? apply(slice, text, [0, KEPT]) + "…" : text;
  }
  function said(error) {
    try {
      var object = error !== null && (typeof error === "object" || typeof error === "function");
      var message = object ? error.message : undefined;
      return cut(message ? toText(message) : toText(error));
    } catch (e) {
      return "(an error that cannot be shown)";
    }
  }
  function later(next, ms) {
    apply(wait, win, [next, ms]);
  }
  // Calls `f`; when what it returns settles (a hook may answer with its own promise),
  // `ok` or `fail`, once.
  function step(f, ok, fail) {
    var settled = false;
    function once(next) {
      return function (value) {
        if (!settled) {
          settled = true;
          next(value);
        }
      };
    }
    try {
      var result = f();
      var then;
      if (result !== null && (typeof result === "object" || typeof result === "function")) {
        then = result.then;
      }
      if (typeof then === "function") apply(then, result, [once(ok), once(fail)]);
      else once(ok)(result);
    } catch (e) {
      once(fail)(e);
    }
  }

  // A page that navigates away on a code has left before its answer: say so at once, and
  // stop the navigation where the browser lets us, so that how long it would take to commit
  // does not decide the verdict. A move within the document (pushState, a hash) is not one.
  if (win.navigation) {
    apply(listen, win.navigation, [
      "navigate",
      function (event) {
        if (!inFlight) return;
        try {
          if (event.destination.sameDocument) return;
          navigatingTo = toText(event.destination.url);
          if (event.cancelable) event.preventDefault();
        } catch (e) {
          if (navigatingTo === null) navigatingTo = "another page";
        }
      },
    ]);
  }

  // A dialog would block the page. One opened for a code is recorded and the code refused;
  // one opened at any other time is the browser's own, which amperr dismisses and notes.
  // The page may set its own function in their place: it is called outside a code.
  function dialog(kind) {
    var replaced = null;
    function open(text) {
      if (inFlight) {
        if (dialogCount < DIALOGS) {
          dialogs += (dialogCount > 0 ? ", " : "") + kind + "(" + apply(stringify, JSON, [cut(said(text))]) + ")";
        }
        dialogCount += 1;
        return kind === "confirm" ? false : null;
      }
      return apply(replaced || nativeDialogs[kind], win, arguments);
    }
    defineProperty(win, kind, {
      configurable: false,
      enumerable: true,
      get: function () {
        return open;
      },
      set: function (value) {
        replaced = typeof value === "function" ? value : null;
      },
    });
  }
  dialog("alert");
  dialog("confirm");
  dialog("prompt");


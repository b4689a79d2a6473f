// amperr's driver. amperr adds it to every document before any script of the page runs,
// so it keeps the built-ins as the browser made them: a page or a polyfill that replaces
// JSON.stringify, String methods, Promise or the DOM's accessors changes what amperr reads
// only by changing what the viewer sees. It calls the page's hook (window.amperrPlayer)
// and nothing else of the page, and uses no promise of its own but the one amperr awaits.
//
// `__AMPERR_RUN__` is replaced with a one-off name: the driver is that property of window,
// which the page can neither replace nor delete. amperr calls `ready`, `table`, then
// `init` with the name of a one-off binding (the driver keeps the function and removes the
// global, so the page cannot answer in its place), then `run` for each batch of codes.
(function () {
  "use strict";
  var win = window;
  var doc = document;
  var apply = Reflect.apply;
  var stringify = JSON.stringify;
  var toText = String;
  var NativePromise = Promise;
  var create = Object.create;
  var defineProperty = Object.defineProperty;
  var own = Object.getOwnPropertyDescriptor;
  var wait = win.setTimeout;
  var slice = String.prototype.slice;
  var lastIndexOf = String.prototype.lastIndexOf;
  var listen = EventTarget.prototype.addEventListener;
  var selectInDocument = Document.prototype.querySelector;
  var selectIn = Element.prototype.querySelector;
  var byId = Document.prototype.getElementById;
  var attribute = Element.prototype.getAttribute;
  var clientRects = Element.prototype.getClientRects;
  function getter(proto, name) {
    return own(proto, name).get;
  }
  var innerText = getter(HTMLElement.prototype, "innerText");
  var textContent = getter(Node.prototype, "textContent");
  var rectCount = getter(DOMRectList.prototype, "length");
  var readyState = getter(Document.prototype, "readyState");

  var SETTLE = 100; // virtual milliseconds; 2.3.0 fills its overlay 50 ms after error()
  var KEPT = 2048; // characters of one text sent back: far more than any message
  var DIALOGS = 4; // dialogs named per code
  var TABLE_LIMIT = 1048576; // characters of amp.errorCode as JSON (2.3.0's: about 5,000)

  var send = null;
  var dialogs = [];
  var navigatingTo = null;

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
  // does not decide the verdict.
  var inFlight = false;
  if (win.navigation) {
    apply(listen, win.navigation, [
      "navigate",
      function (event) {
        if (!inFlight) return;
        try {
          navigatingTo = toText(event.destination.url);
          if (event.cancelable) event.preventDefault();
        } catch (e) {
          if (navigatingTo === null) navigatingTo = "another page";
        }
      },
    ]);
  }

  // What AMP's overlay shows, for hooks with no `shown`: the rendered text of its content
  // and the text of the elements its dialog's aria-describedby names.
  function overlay() {
    var dialog = apply(selectInDocument, doc, [".vjs-error-display"]);
    var content = dialog ? apply(selectIn, dialog, [".vjs-modal-dialog-content"]) : null;
    var rendered = content ? apply(rectCount, apply(clientRects, content, []), []) > 0 : false;
    return {
      text: rendered ? apply(innerText, content, []) : "",
      description: describedBy(dialog),
    };
  }
  function describedBy(dialog) {
    var ids = dialog ? apply(attribute, dialog, ["aria-describedby"]) : null;
    var words = idsIn(ids === null ? "" : ids);
    if (words.length === 0) return null;
    var text = "";
    for (var i = 0; i < words.length; i++) {
      var element = apply(byId, doc, [words[i]]);
      text += (i > 0 ? " " : "") + (element ? apply(textContent, element, []) : "");
    }
    return text;
  }
  function idsIn(list) {
    var words = [];
    var word = "";
    for (var i = 0; i < list.length; i++) {
      var c = list[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") {
        if (word !== "") words[words.length] = word;
        word = "";
      } else {
        word += c;
      }
    }
    if (word !== "") words[words.length] = word;
    return words;
  }

  function refused(code, why) {
    var answer = create(null);
    answer.code = code;
    answer.error = why;
    return answer;
  }
  // What the hook's `shown` (or AMP's overlay) gives, or a refusal.
  function read(hook, code, describe) {
    var shown;
    try {
      shown = typeof hook.shown === "function" ? hook.shown() : overlay();
    } catch (e) {
      return refused(code, "the player threw: " + said(e));
    }
    var text = shown !== null && typeof shown === "object" ? shown.text : undefined;
    var description = shown !== null && typeof shown === "object" ? shown.description : undefined;
    if (typeof text !== "string" || (description !== null && description !== undefined && typeof description !== "string")) {
      return refused(
        code,
        "the hook's shown() gave " + kindOf(shown) + ": it must give { text: a string, description: a string or null } at once"
      );
    }
    // The visible text is the message, a line break, then the code line.
    var at = apply(lastIndexOf, text, ["\n"]);
    var answer = create(null);
    answer.code = code;
    answer.message = cut(at < 0 ? "" : apply(slice, text, [0, at]));
    answer.code_line = cut(at < 0 ? text : apply(slice, text, [at + 1]));
    if (describe) answer.accessible_description = typeof description === "string" ? cut(description) : null;
    return answer;
  }
  function kindOf(value) {
    if (value === null) return "null";
    if (typeof value !== "object") return typeof value;
    try {
      if (typeof value.then === "function") return "a promise";
    } catch (e) {}
    return "an object whose text is " + (value.text === undefined ? "missing" : "a " + typeof value.text);
  }

  // Clears the error, raises `code`, and reads the overlay; `done(answer)`, or
  // `left(why)` when the page navigated away.
  function one(hook, code, describe, done, left) {
    dialogs = [];
    navigatingTo = null;
    inFlight = true;
    function threw(e) {
      inFlight = false;
      done(refused(code, "the player threw: " + said(e)));
    }
    step(function () { return hook.clear(); }, function () {
      later(function () {
        step(function () { return hook.raise(code); }, function () {
          later(function () {
            inFlight = false;
            if (navigatingTo !== null) return left("left its page (it navigated away to " + cut(navigatingTo) + ")");
            var answer = read(hook, code, describe);
            if (dialogs.length > 0) {
              var list = "";
              for (var i = 0; i < dialogs.length; i++) list += (i > 0 ? ", " : "") + dialogs[i];
              answer = refused(code, "the page opened a dialog: " + list);
            }
            done(answer);
          }, SETTLE);
        }, threw);
      }, SETTLE);
    }, threw);
  }

  var driver = create(null);

  // Resolves with "ready", or why not, within `limit` ms: the page loaded and its hook's
  // `ready` settled (a hook defined late, by a load listener say, is looked for again).
  driver.ready = function (limit) {
    return new NativePromise(function (resolve) {
      var finished = false;
      var hookSeen = false;
      function finish(outcome) {
        if (!finished) {
          finished = true;
          resolve(outcome);
        }
      }
      later(function () {
        finish(hookSeen
          ? "the player was not ready after " + limit / 1000 + " s"
          : "the page defines no window.amperrPlayer hook (none after " + limit / 1000 + " s)");
      }, limit);
      function loaded() {
        var hook;
        try {
          hook = win.amperrPlayer;
        } catch (e) {
          return finish("window.amperrPlayer could not be read: " + said(e));
        }
        if (!hook) return later(loaded, 50);
        hookSeen = true;
        step(function () { return hook.ready; }, function () { finish("ready"); }, function (e) {
          finish("window.amperrPlayer.ready failed: " + said(e));
        });
      }
      if (apply(readyState, doc, []) === "complete") loaded();
      else apply(listen, win, ["load", loaded, { once: true }]);
    });
  };

  // The build's error-code table, as a JSON envelope amperr reads: {"table": "<JSON>"},
  // {"none": true} or {"error": "why"}.
  driver.table = function () {
    var envelope = create(null);
    try {
      var hook = win.amperrPlayer;
      var table = hook && typeof hook.table === "function" ? hook.table() : win.amp ? win.amp.errorCode : undefined;
      if (table === undefined || table === null) {
        envelope.none = true;
      } else if (table instanceof NativePromise) {
        envelope.error = "it is a promise: table() must return the table itself";
      } else {
        var json = apply(stringify, JSON, [table]);
        if (typeof json !== "string") envelope.error = "it has no JSON form (" + typeof table + ")";
        else if (json.length > TABLE_LIMIT) envelope.error = "it is over " + TABLE_LIMIT + " characters as JSON";
        else envelope.table = json;
      }
    } catch (e) {
      envelope.error = said(e);
    }
    return apply(stringify, JSON, [envelope]);
  };

  // Takes the binding named `name`, and `alert` and kin: a dialog would block the page, so
  // one opened for a code is recorded and the code refused.
  driver.init = function (name) {
    send = win[name];
    delete win[name];
    ["alert", "confirm", "prompt"].forEach(function (kind) {
      try {
        defineProperty(win, kind, {
          configurable: true,
          writable: true,
          value: function (text) {
            if (dialogs.length < DIALOGS) dialogs[dialogs.length] = kind + "(" + apply(stringify, JSON, [cut(said(text))]) + ")";
            return kind === "confirm" ? false : null;
          },
        });
      } catch (e) {
        // The page made it fixed: a dialog amperr did not stop is dismissed and noted.
      }
    });
    return typeof send === "function" ? "ok" : "no binding " + name;
  };

  // Sends one answer line per code, each as soon as it is read. Resolves with "" when
  // done, or why the page stopped answering.
  driver.run = function (codes, describe) {
    return new NativePromise(function (resolve) {
      var hook = win.amperrPlayer;
      if (typeof send !== "function") return resolve("left its page (the page was replaced)");
      var i = 0;
      function next() {
        if (i >= codes.length) return resolve("");
        one(hook, codes[i], describe, function (answer) {
          i += 1;
          apply(send, win, [apply(stringify, JSON, [answer])]);
          next();
        }, resolve);
      }
      next();
    });
  };

  defineProperty(win, "__AMPERR_RUN__", { value: driver });
})();

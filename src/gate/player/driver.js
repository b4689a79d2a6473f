// amperr's driver. amperr adds it to every document before any script of the page runs,
// so it keeps the built-ins as the browser made them: a page or a polyfill that replaces
// JSON.stringify, String methods, Promise or the DOM's accessors changes what amperr reads
// only by changing what the viewer sees. It calls the page's hook (window.amperrPlayer)
// and nothing else of the page, uses no promise of its own but the ones amperr awaits, and
// writes into no array or object a page could have given a setter.
//
// `__AMPERR_RUN__`, `__AMPERR_TOKEN__` and `__AMPERR_SEND__` are replaced with one-off
// names: the driver is that property of window, frozen, and each call must carry the token,
// which no script of the page can read. The binding amperr reads answers from is added
// before the document starts; the driver takes it and removes it from window before any
// script of the page runs, so no page can answer in its place. amperr calls `ready`,
// `table`, `init` (does the driver hold its binding?), then `run` for each batch.
(function () {
  "use strict";
  var TOKEN = "__AMPERR_TOKEN__";
  var win = window;
  var doc = document;
  var apply = Reflect.apply;
  var freeze = Object.freeze;
  var nativeDialogs = { alert: win.alert, confirm: win.confirm, prompt: win.prompt };
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
  var checkVisibility = Element.prototype.checkVisibility;
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
  var TABLE_LIMIT = 1048576; // characters of amp.errorCode as JSON (2.3.0's: about 1,700)

  // The binding amperr answers through, taken before any script of the page can see it.
  var SEND = "__AMPERR_SEND__";
  var send = null;
  function takeBinding() {
    try {
      var binding = win[SEND];
      if (typeof binding === "function") {
        delete win[SEND];
        send = binding;
      }
    } catch (e) {}
  }
  takeBinding();
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

  // What AMP's overlay shows, for hooks with no `shown`: the rendered text of its content
  // and the text of the elements its dialog's aria-describedby names.
  function overlay() {
    var dialog = apply(selectInDocument, doc, [".vjs-error-display"]);
    var content = dialog ? apply(selectIn, dialog, [".vjs-modal-dialog-content"]) : null;
    return {
      text: content && seen(content) ? apply(innerText, content, []) : "",
      description: describedBy(dialog),
    };
  }
  // Whether the viewer can see `element`: laid out, and neither it nor an ancestor hidden
  // or transparent.
  function seen(element) {
    if (apply(rectCount, apply(clientRects, element, []), []) === 0) return false;
    if (typeof checkVisibility !== "function") return true;
    var options = create(null);
    options.checkOpacity = options.opacityProperty = true;
    options.checkVisibilityCSS = options.visibilityProperty = true;
    return apply(checkVisibility, element, [options]);
  }
  // The text of the elements the dialog's aria-describedby names, joined by spaces.
  function describedBy(dialog) {
    var ids = dialog ? apply(attribute, dialog, ["aria-describedby"]) : null;
    if (ids === null) return null;
    var text = null;
    var word = "";
    for (var i = 0; i <= ids.length; i++) {
      var c = i < ids.length ? ids[i] : " ";
      if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r" && c !== "\f") {
        word += c;
        continue;
      }
      if (word === "") continue;
      var element = apply(byId, doc, [word]);
      text = (text === null ? "" : text + " ") + (element ? apply(textContent, element, []) : "");
      word = "";
    }
    return text;
  }

  function refused(code, why) {
    var answer = create(null);
    answer.code = code;
    answer.error = why;
    return answer;
  }
  // What the hook's `shown` (or AMP's overlay) gives, or a refusal.
  function read(hook, code, describe) {
    var text, description, shown;
    try {
      shown = typeof hook.shown === "function" ? hook.shown() : overlay();
      var object = shown !== null && typeof shown === "object";
      text = object ? shown.text : undefined;
      description = object ? shown.description : undefined;
    } catch (e) {
      return refused(code, "the player threw: " + said(e));
    }
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
    try {
      if (value === null) return "null";
      if (typeof value !== "object") return typeof value;
      if (value instanceof NativePromise || typeof value.then === "function") return "a promise";
      return "an object whose text is " + (value.text === undefined ? "missing" : "a " + typeof value.text);
    } catch (e) {
      return "an object that cannot be read";
    }
  }

  // Clears the error, raises `code`, and reads the overlay; `done(answer)`, or
  // `left(why)` when the page navigated away.
  function one(hook, code, describe, done, left) {
    dialogs = "";
    dialogCount = 0;
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
            var answer;
            try {
              answer = read(hook, code, describe);
            } catch (e) {
              answer = refused(code, "the player threw: " + said(e));
            }
            if (dialogCount > 0) answer = refused(code, "the page opened a dialog: " + dialogs);
            done(answer);
          }, SETTLE);
        }, threw);
      }, SETTLE);
    }, threw);
  }

  var driver = create(null);

  // Resolves with "ready", or why not, within `limit` ms: the page loaded and its hook's
  // `ready` settled (a hook defined late, by a load listener say, is looked for again).
  driver.ready = function (token, limit) {
    if (token !== TOKEN) return "not amperr";
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
  driver.table = function (token) {
    if (token !== TOKEN) return "not amperr";
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

  // Whether the driver holds its binding ("ok"), taken as the document started.
  driver.init = function (token) {
    if (token !== TOKEN) return "not amperr";
    if (send === null) takeBinding();
    return send !== null ? "ok" : "no binding: the browser did not add it before the page's scripts";
  };

  // Sends one answer line per code, each as soon as it is read. Resolves with "" when
  // done, or why the page stopped answering.
  driver.run = function (token, codes, describe) {
    if (token !== TOKEN) return "not amperr";
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

  defineProperty(win, "__AMPERR_RUN__", { value: freeze(driver) });
})();

  // when the next code would come: a text that changed in between is no answer.
  // `done(answer)`, or `left(why)` when the page navigated away.
  function one(hook, code, describe, done, left) {
    dialogs = "";
    dialogCount = 0;
    navigatingTo = null;
    inFlight = true;
    function threw(e) {
      inFlight = false;
      done(refused(code, "the player threw: " + said(e)));
    }
    function reading() {
      try {
        return read(hook, code, describe);
      } catch (e) {
        return refused(code, "the player threw: " + said(e));
      }
    }
    step(function () { return hook.clear(); }, function () {
      later(function () {
        step(function () { return hook.raise(code); }, function () {
          later(function () {
            settled(function () {
              if (navigatingTo !== null) {
                inFlight = false;
                return left("left its page (it navigated away to " + cut(navigatingTo) + ")");
              }
              var first = reading();
              later(function () {
                settled(function () {
                  inFlight = false;
                  if (navigatingTo !== null) return left("left its page (it navigated away to " + cut(navigatingTo) + ")");
                  var answer = first;
                  var then = reading();
                  if (!same(first, then)) {
                    answer = refused(code, "the overlay changed after amperr read it: it showed " + shownText(first) +
                      " " + SETTLE + " ms after the code, then " + shownText(then) + " " + WATCH + " ms later");
                  }
                  if (dialogCount > 0) answer = refused(code, "the page opened a dialog: " + dialogs);
                  done(answer);
                });
              }, WATCH);
            });
          }, SETTLE);
        }, threw);
      }, SETTLE);
    }, threw);
  }

  // CSS animations and transitions. Under virtual time the browser draws no frames, so an
  // animation the overlay starts (a fade-in, a fade-out) would wait for its first frame for
  // ever, shown as its first keyframe. Each one waiting is started now, on the page's clock,
  // and amperr reads once every finite one has run (at most ANIMATED ms more): what the
  // viewer sees once the overlay is drawn. An endless one (a spinner) is not waited for.
  var ANIMATED = 1000; // page milliseconds an overlay's animations may take
  var getAnimations = Document.prototype.getAnimations;
  var playState = getter(Animation.prototype, "playState");
  var pending = getter(Animation.prototype, "pending");
  var startTime = own(Animation.prototype, "startTime");
  var currentTime = getter(Animation.prototype, "currentTime");
  var effectOf = getter(Animation.prototype, "effect");
  var computedTiming = AnimationEffect.prototype.getComputedTiming;
  var timelineOf = getter(Document.prototype, "timeline");
  var timelineTime = getter(AnimationTimeline.prototype, "currentTime");
  function animating() {
    var left = 0;
    try {
      var all = apply(getAnimations, doc, []);
      var now = apply(timelineTime, apply(timelineOf, doc, []), []);
      for (var i = 0; i < all.length && i < 256; i++) {
        var animation = all[i];
        if (apply(playState, animation, []) !== "running") continue;
        if (apply(pending, animation, []) && apply(startTime.get, animation, []) === null) {
          apply(startTime.set, animation, [now]);
        }
        var effect = apply(effectOf, animation, []);
        var at = apply(currentTime, animation, []);
        if (!effect || typeof at !== "number") continue;
        var end = apply(computedTiming, effect, []).endTime;
        if (typeof end === "number" && end - at > left && end !== Infinity) left = end - at;
      }
    } catch (e) {}
    return min(left, ANIMATED);
  }
  function settled(next) {
    var left = animating();
    if (left <= 0) return next();
    later(function () {
      animating();
      next();
    }, left + 1);
  }
  function same(a, b) {
    return a.message === b.message && a.code_line === b.code_line && a.error === b.error &&
      a.accessible_description === b.accessible_description;
  }
  function shownText(answer) {
    if (answer.error !== undefined) return "nothing amperr could read (" + answer.error + ")";
    var text = answer.message === "" ? answer.code_line : answer.message + "\n" + answer.code_line;
    return apply(stringify, JSON, [text]);
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

  // What amperr reads after the last code: the table again, and the connections the page
  // tried that interception does not see: {"table": envelope, "attempts": "...", "more": n}.
  driver.after = function (token) {
    if (token !== TOKEN) return "not amperr";
    var after = create(null);
    after.table = driver.table(token);
    after.attempts = attempts;
    after.more = attemptCount > DIALOGS * 8 ? attemptCount - DIALOGS * 8 : 0;
    return apply(stringify, JSON, [after]);
  };

  // Whether the driver holds its binding ("ok"), taken as the document started.
  driver.init = function (token) {
    if (token !== TOKEN) return "not amperr";
    if (send === null) takeBinding();
    return send !== null ? "ok" : "no binding: the browser did not add it before the page's scripts";
  };

  // Sends one answer line per code, each as soon as it is read. Resolves with "" when
  // done, or why the page stopped answering.
  // For the pixels: raises `code` as a run does (resolves with "" once it has been read
  // twice, or why not), then `look` reads the overlay again, at once, with its box.
  driver.show = function (token, code, describe) {
    if (token !== TOKEN) return "not amperr";
    return new NativePromise(function (resolve) {
      one(win.amperrPlayer, code, describe, function () {
        resolve("");
      }, resolve);
    });
  };
  // {"answer": {...}, "box": {left, top, width, height} or null}, as JSON.
  driver.look = function (token, code, describe) {
    if (token !== TOKEN) return "not amperr";
    var hook = win.amperrPlayer;
    var look = create(null);
    look.answer = read(hook, code, describe);
    look.box = null;
    if (typeof hook.shown !== "function") {
      var shown = overlay();
      look.box = shown.box;
    }
    return apply(stringify, JSON, [look]);
  };

  // Runs `codes`, the cases `first`, `first + 1`, ... of amperr's run, each answer carrying
  // the number of its case as `request`: what amperr checks the answers' order by.
  driver.run = function (token, codes, first, describe) {
    if (token !== TOKEN) return "not amperr";
    return new NativePromise(function (resolve) {
      var hook = win.amperrPlayer;
      if (typeof send !== "function") return resolve("left its page (the page was replaced)");
      var i = 0;
      function next() {
        if (i >= codes.length) return resolve("");
        one(hook, codes[i], describe, function (answer) {
          answer.request = first + i;
          i += 1;
          apply(send, win, [apply(stringify, JSON, [answer])]);
          next();
        }, resolve);
      }
      next();
    });
  };

  // Runs fault scenarios instead of codes (faults.js).
  driver.faults = runFaults;

  defineProperty(win, "__AMPERR_RUN__", { value: freeze(driver) });
})();

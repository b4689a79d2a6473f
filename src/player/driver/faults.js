
  // Fault scenarios (check-faults). For each, the player is given a source and a tech order
  // through the hook's `load`; amperr's own server answers its requests, one of them with
  // the scenario's fault. The driver looks at the hook's `error()` every POLL ms of page
  // time until the player raises one (then reads the overlay as for a raised code: SETTLE
  // ms after, and again WATCH ms later) or `limit` ms of page time pass with none.
  var POLL = 50; // page milliseconds between looks at error()
  var HEX = "0123456789ABCDEF";
  var mediaReadyState = getter(HTMLMediaElement.prototype, "readyState");
  // `0x` and 8 upper-case hex digits, as amperr writes codes; what is not a code, said.
  function hexCode(code) {
    if (typeof code !== "number" || !(code >= 0 && code <= 4294967295) || code % 1 !== 0) {
      return "not a code: " + cut(apply(stringify, JSON, [code === undefined ? null : code]) || toText(code));
    }
    var text = "";
    for (var i = 0; i < 8; i++) {
      text = HEX[code % 16] + text;
      code = (code - (code % 16)) / 16;
    }
    return "0x" + text;
  }
  // Whether a <video> of the page has a frame to show: the player played.
  function played() {
    try {
      var videos = apply(selectAll, doc, ["video"]);
      for (var i = 0; i < apply(listLength, videos, []); i++) {
        if (apply(mediaReadyState, apply(listItem, videos, [i]), []) >= 2) return true;
      }
    } catch (e) {}
    return false;
  }
  // Runs one scenario: `done(answer)`, or `left(why)` when the page navigated away. The
  // `limit` of page time counts from the call to `load`: a load that never settles is no
  // longer a wait without end.
  function fault(hook, spec, describe, limit, done, left) {
    dialogs = "";
    dialogCount = 0;
    navigatingTo = null;
    inFlight = true;
    var loaded = false;
    var expired = false;
    var finished = false;
    function finish(answer) {
      if (finished) return;
      finished = true;
      inFlight = false;
      if (navigatingTo !== null) return left("left its page (it navigated away to " + cut(navigatingTo) + ")");
      if (dialogCount > 0) answer = refused(answer.code, "the page opened a dialog: " + dialogs);
      done(answer);
    }
    function threw(e) {
      finish(refused(0, "the player threw: " + said(e)));
    }
    later(function () {
      expired = true;
      if (!loaded) finish(refused(0, "the page's load() did not settle within " + limit / 1000 + " s of page time"));
    }, limit);
    function look() {
      if (finished) return;
      if (navigatingTo !== null) return finish(refused(0, ""));
      var error;
      try {
        error = hook.error();
      } catch (e) {
        return threw(e);
      }
      if (error !== null && error !== undefined) return raised(error);
      if (expired) {
        var why = played() ? "it played" : "it kept retrying";
        return finish(refused(0, "the player raised no error after " + limit / 1000 + " s of page time (" + why + ")"));
      }
      later(look, POLL);
    }
    // The error's code, or what stands for one: `error()` may give anything.
    function codeOf(error) {
      if (error === null || (typeof error !== "object" && typeof error !== "function")) {
        return { said: "error() gave " + cut(toText(error)) };
      }
      return { code: error.code };
    }
    function raised(error) {
      var first;
      try {
        first = codeOf(error);
      } catch (e) {
        return threw(e);
      }
      var code = first.code;
      var number = typeof code === "number" && code >= 0 && code <= 4294967295 && code % 1 === 0 ? code : 0;
      var shownCode = first.said !== undefined ? "not a code: " + first.said : hexCode(code);
      function reading() {
        var answer;
        try {
          answer = read(hook, number, describe);
        } catch (e) {
          answer = refused(number, "the player threw: " + said(e));
        }
        answer.error_code = shownCode;
        return answer;
      }
      // The error as error() gives it now, in words, to tell a change.
      function now() {
        try {
          var again = codeOf(hook.error());
          return again.said !== undefined ? again.said : hexCode(again.code);
        } catch (e) {
          return "error() threw: " + said(e);
        }
      }
      later(function () {
        settled(function () {
          var firstReading = reading();
          later(function () {
            settled(function () {
              var then = reading();
              var later_ = now();
              if (!same(firstReading, then)) {
                firstReading = refused(number, "the overlay changed after amperr read it: it showed " + shownText(firstReading) +
                  " " + SETTLE + " ms after the error, then " + shownText(then) + " " + WATCH + " ms later");
              } else if (first.said === undefined && later_ !== shownCode) {
                firstReading = refused(number, "the player's error changed after amperr read it: " + shownCode + ", then " +
                  later_ + " " + (SETTLE + WATCH) + " ms later");
              }
              finish(firstReading);
            });
          }, WATCH);
        });
      }, SETTLE);
    }
    if (typeof hook.load !== "function" || typeof hook.error !== "function") {
      return finish(refused(0, "the page's hook has no load() and error(): a fault scenario needs both"));
    }
    step(function () { return hook.load(spec.source, spec.techOrder); }, function () {
      loaded = true;
      later(look, POLL);
    }, threw);
  }
  // Runs `specs`, the cases `first`, `first + 1`, ... of amperr's run, each answer carrying
  // the number of its case as `request`.
  function runFaults(token, specs, first, describe, limit) {
    if (token !== TOKEN) return "not amperr";
    return new NativePromise(function (resolve) {
      var hook = win.amperrPlayer;
      if (typeof send !== "function") return resolve("left its page (the page was replaced)");
      var i = 0;
      function next() {
        if (i >= specs.length) return resolve("");
        fault(hook, specs[i], describe, limit, function (answer) {
          answer.request = first + i;
          i += 1;
          apply(send, win, [apply(stringify, JSON, [answer])]);
          next();
        }, resolve);
      }
      next();
    });
  }

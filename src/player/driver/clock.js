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
  function getter(proto, name) {
    return own(proto, name).get;
  }
  var innerText = getter(HTMLElement.prototype, "innerText");
  var textContent = getter(Node.prototype, "textContent");
  var rectCount = getter(DOMRectList.prototype, "length");
  var readyState = getter(Document.prototype, "readyState");

  var SETTLE = 100; // virtual milliseconds; 2.3.0 fills its overlay 50 ms after error()
  var WATCH = 400; // virtual milliseconds after the read that the overlay must keep its text
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

  // The page's clock. amperr runs the page's timers on virtual time, where the clock stands
  // still while a task runs: a spin-wait on Date.now() would never end, and an animation
  // loop that works 5 ms a frame would hold the page for ever. So each reading of the clock
  // inside a task moves it on by TICK, as work takes time in a browser; once virtual time
  // moves, the clock waits for it to catch up (time never runs backwards).
  var TICK = 0.001; // milliseconds a reading of the clock costs
  var NativeDate = Date;
  var dateNow = Date.now;
  var perfNow = Performance.prototype.now;
  var construct = Reflect.construct;
  var dateText = Date.prototype.toString;
  var virtualAt = -1; // virtual performance.now() at the last reading
  var ahead = 0; // how far the page's clock runs ahead of virtual time
  function pageAhead() {
    var virtual = apply(perfNow, performance, []);
    if (virtual !== virtualAt) {
      if (virtualAt >= 0) ahead = virtual - virtualAt >= ahead ? 0 : ahead - (virtual - virtualAt);
      virtualAt = virtual;
    }
    ahead += TICK;
    return ahead;
  }
  function pageDateNow() {
    var extra = pageAhead();
    return apply(dateNow, NativeDate, []) + (extra - (extra % 1));
  }
  var clockFunctions = {
    now: function () {
      return pageDateNow();
    },
    performanceNow: function () {
      var extra = pageAhead();
      return virtualAt + extra;
    },
  };
  defineProperty(Performance.prototype, "now", { configurable: true, enumerable: true, writable: true, value: clockFunctions.performanceNow });
  var PageDate = new Proxy(NativeDate, {
    construct: function (target, args, newTarget) {
      return construct(target, args.length === 0 ? [pageDateNow()] : args, newTarget);
    },
    apply: function () {
      return apply(dateText, construct(NativeDate, [pageDateNow()]), []);
    },
    get: function (target, key) {
      // The page's own Date.now, if it set one, is the page's.
      return key === "now" && target.now === dateNow ? clockFunctions.now : target[key];
    },
  });
  defineProperty(win, "Date", { configurable: true, enumerable: false, writable: true, value: PageDate });

  // Animation frames, on the same clock. Under virtual time the browser draws no frames,
  // so a callback given to requestAnimationFrame would never run: a player that fills its
  // overlay on the next frame would show nothing, and an animation loop would cost nothing.
  // Frames come every 1000/60 ms of page time instead, each running the callbacks asked
  // for before it with the frame's time, as a browser's do.
  var FRAME = 1000 / 60;
  var frameCallbacks = create(null);
  var nextFrameHandle = 1;
  var frameDue = false;
  function runFrame() {
    frameDue = false;
    var callbacks = frameCallbacks;
    frameCallbacks = create(null);
    var time = clockFunctions.performanceNow();
    for (var handle in callbacks) {
      try {
        callbacks[handle](time);
      } catch (e) {
        // Reported as the browser reports an error thrown in a frame callback.
        later(function () {
          throw e;
        }, 0);
      }
    }
  }
  var frameFunctions = {
    requestAnimationFrame: function (callback) {
      if (typeof callback !== "function") {
        throw new TypeError("Failed to execute 'requestAnimationFrame' on 'Window': The callback provided as parameter 1 is not a function.");
      }
      var handle = nextFrameHandle++;
      frameCallbacks[handle] = callback;
      if (!frameDue) {
        frameDue = true;
        var now = clockFunctions.performanceNow();
        later(runFrame, FRAME - (now % FRAME));
      }
      return handle;
    },
    cancelAnimationFrame: function (handle) {
      delete frameCallbacks[handle];
    },
  };
  defineProperty(win, "requestAnimationFrame", { configurable: true, enumerable: true, writable: true, value: frameFunctions.requestAnimationFrame });
  defineProperty(win, "cancelAnimationFrame", { configurable: true, enumerable: true, writable: true, value: frameFunctions.cancelAnimationFrame });


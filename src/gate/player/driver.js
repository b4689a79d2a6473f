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

  // What the viewer sees of AMP's overlay, for hooks with no `shown`. Every error overlay
  // of the page is read, and only what is on screen counts: text whose boxes are inside the
  // player and the viewport, on top where they are (hit-tested: a video, a box or a frame
  // laid over it hides it), large enough, opaque enough and apart enough in colour from
  // what is behind it, and not masked. The text is taken as rendered: pseudo-elements'
  // content, open and closed shadow roots, CSS text-transform, bidi overrides. Text drawn
  // where amperr cannot read it exactly (a canvas over it, CSS content it cannot resolve, a
  // mask) refuses the code rather than passing on a DOM text nobody may see.
  var MIN_HEIGHT = 7; // CSS px of a text's box (a 6 px font's): below it, specks
  var MIN_ALPHA = 0.1; // the text's opacity, its colour's alpha times every opacity above it
  var MIN_CONTRAST = 1.5; // WCAG contrast ratio; body text is asked 4.5, below 1.5 is a blur
  var WALKED = 500; // nodes read per overlay (a real one has tens): a read stays short
  var computed = win.getComputedStyle;
  var styleOf = function (element, pseudo) {
    return apply(computed, win, pseudo ? [element, pseudo] : [element]);
  };
  var property = CSSStyleDeclaration.prototype.getPropertyValue;
  var selectAll = Document.prototype.querySelectorAll;
  var listLength = getter(NodeList.prototype, "length");
  var listItem = NodeList.prototype.item;
  var firstChild = getter(Node.prototype, "firstChild");
  var nextSibling = getter(Node.prototype, "nextSibling");
  var nodeType = getter(Node.prototype, "nodeType");
  var parentNode = getter(Node.prototype, "parentNode");
  var rootNode = Node.prototype.getRootNode;
  var textData = getter(CharacterData.prototype, "data");
  var localName = getter(Element.prototype, "localName");
  var openRoot = getter(Element.prototype, "shadowRoot");
  var hostOf = getter(ShadowRoot.prototype, "host");
  var assigned = HTMLSlotElement.prototype.assignedNodes;
  var createRange = Document.prototype.createRange;
  var selectContents = Range.prototype.selectNodeContents;
  var rangeRects = Range.prototype.getClientRects;
  var boundingRect = Element.prototype.getBoundingClientRect;
  var scrollIntoView = Element.prototype.scrollIntoView;
  var rectItem = DOMRectList.prototype.item;
  var rectLeft = getter(DOMRectReadOnly.prototype, "left");
  var rectTop = getter(DOMRectReadOnly.prototype, "top");
  var rectWidth = getter(DOMRectReadOnly.prototype, "width");
  var rectHeight = getter(DOMRectReadOnly.prototype, "height");
  var hitInDocument = Document.prototype.elementFromPoint;
  var hitInShadow = ShadowRoot.prototype.elementFromPoint;
  var stackInDocument = Document.prototype.elementsFromPoint;
  var viewportWidth = getter(Element.prototype, "clientWidth");
  var viewportHeight = getter(Element.prototype, "clientHeight");
  var documentElement = getter(Document.prototype, "documentElement");
  var charAt = String.prototype.charAt;
  var charCodeAt = String.prototype.charCodeAt;
  var upper = String.prototype.toUpperCase;
  var lower = String.prototype.toLowerCase;
  var indexOf = String.prototype.indexOf;
  var fromCode = String.fromCharCode;
  var number = parseFloat;
  var pow = Math.pow;
  var max = Math.max;
  var min = Math.min;
  var isFinite_ = isFinite;
  var WeakMap_ = WeakMap;
  var weakGet = WeakMap.prototype.get;
  var weakSet = WeakMap.prototype.set;
  var Sheet = CSSStyleSheet;
  var SVGElementType = SVGElement;
  var replaceSync = CSSStyleSheet.prototype.replaceSync;
  var adopted = own(Document.prototype, "adoptedStyleSheets");

  // Closed shadow roots, kept as they are made (before any script of the page runs), so
  // that text a closed root renders is read like any other.
  var closedRoots = new WeakMap_();
  var nativeAttach = Element.prototype.attachShadow;
  defineProperty(Element.prototype, "attachShadow", {
    configurable: true,
    enumerable: true,
    writable: true,
    value: {
      attachShadow: function (init) {
        var root = apply(nativeAttach, this, arguments);
        apply(weakSet, closedRoots, [this, root]);
        return root;
      },
    }.attachShadow,
  });
  function shadowOf(element) {
    return apply(openRoot, element, []) || apply(weakGet, closedRoots, [element]) || null;
  }

  // Hit-testing skips what has `pointer-events: none`; from the first reading on, every
  // element is hit-testable, so a box laid over the text is seen whatever its
  // pointer-events. (No pointer ever reaches the page, so only a page that reads its own
  // computed pointer-events can tell; toggling the sheet per reading would restyle the
  // whole page four times a code.)
  var hitAll = null;
  function hitTesting() {
    try {
      if (hitAll === null) {
        hitAll = new Sheet();
        apply(replaceSync, hitAll, ["*, *::before, *::after { pointer-events: auto !important; }"]);
      }
      var sheets = apply(adopted.get, doc, []);
      for (var i = 0; i < sheets.length; i++) if (sheets[i] === hitAll) return;
      var next = [];
      for (var j = 0; j < sheets.length; j++) defineProperty(next, j, { value: sheets[j], enumerable: true, writable: true, configurable: true });
      defineProperty(next, sheets.length, { value: hitAll, enumerable: true, writable: true, configurable: true });
      apply(adopted.set, doc, [next]);
    } catch (e) {}
  }

  function css(style, name) {
    return apply(property, style, [name]);
  }
  function elementParent(node) {
    var parent = apply(parentNode, node, []);
    if (parent === null) return null;
    var type = apply(nodeType, parent, []);
    if (type === 11) return hostOf_(parent);
    return type === 1 ? parent : null;
  }
  function hostOf_(fragment) {
    try {
      return apply(hostOf, fragment, []);
    } catch (e) {
      return null; // a document fragment that is not a shadow root
    }
  }
  function rect(r) {
    var out = create(null);
    out.left = apply(rectLeft, r, []);
    out.top = apply(rectTop, r, []);
    out.width = apply(rectWidth, r, []);
    out.height = apply(rectHeight, r, []);
    return out;
  }

  // Numbers in a CSS value such as "rgba(1, 2, 3, 0.5)" or "blur(3px)".
  function numbers(text) {
    var found = create(null);
    found.length = 0;
    var current = "";
    for (var i = 0; i <= text.length; i++) {
      var c = i < text.length ? apply(charAt, text, [i]) : " ";
      if ((c >= "0" && c <= "9") || c === "." || c === "-" || c === "e") {
        current += c;
        continue;
      }
      if (current !== "" && current !== "-" && current !== "e") {
        var value = number(current);
        if (c === "%") value /= 100;
        if (isFinite_(value)) found[found.length++] = value;
      }
      current = "";
    }
    return found;
  }
  function startsWith(text, prefix) {
    return apply(indexOf, text, [prefix]) === 0;
  }
  // A computed colour as {r, g, b (0-255, or null where amperr cannot say), a}.
  function colour(text) {
    var out = create(null);
    var n = numbers(text);
    out.r = out.g = out.b = null;
    out.a = 1;
    if (text === "transparent") out.a = 0;
    else if (startsWith(text, "rgb") && n.length >= 3) {
      out.r = n[0];
      out.g = n[1];
      out.b = n[2];
      if (n.length >= 4) out.a = n[3];
    } else if (apply(indexOf, text, ["/"]) >= 0 && n.length > 0) out.a = n[n.length - 1];
    return out;
  }
  function luminance(c) {
    function channel(v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  }

  // The colour glyphs are painted in: SVG text is filled, HTML text takes its fill colour.
  function glyphColour(element, style) {
    if (element instanceof SVGElementType) {
      var paint = css(style, "fill");
      if (paint === "none") return "transparent";
      // A gradient or pattern: opaque, of a colour the pixels judge.
      return startsWith(paint, "rgb") ? paint : "paint / 1";
    }
    return css(style, "-webkit-text-fill-color") || css(style, "color");
  }

  // How opaque the text of `style` is on screen: its fill's alpha times every opacity and
  // opacity() filter above it; 0 when a filter blurs or darkens it away. A mask makes the
  // reading a refusal: what shows through cannot be told from the DOM.
  function inkAlpha(element, style, state) {
    var fill = colour(glyphColour(element, style));
    var alpha = fill.a;
    if (alpha === 0 && (number(css(style, "-webkit-text-stroke-width")) > 0 || css(style, "text-shadow") !== "none")) {
      alpha = 1; // outlined or shadowed glyphs: the pixels judge them
    }
    var seenAt = element;
    for (var depth = 0; seenAt !== null && depth < 256; depth++) {
      var s = seenAt === element ? style : styleOf(seenAt);
      // Gradient text: transparent glyphs showing a background through them.
      if (fill.a === 0 && (css(s, "-webkit-background-clip") === "text" || css(s, "background-clip") === "text") &&
          css(s, "background-image") !== "none") {
        alpha = alpha === 0 ? 1 : alpha;
        state.unknownInk = true;
      }
      alpha *= number(css(s, "opacity"));
      var filter = css(s, "filter");
      if (filter !== "none" && filter !== "") alpha *= filtered(filter, state);
      if (css(s, "mask-image") !== "none" || css(s, "-webkit-mask-box-image-source") !== "none") {
        state.refusal = state.refusal || "the overlay's text is under a CSS mask: amperr cannot tell what the viewer reads";
      }
      seenAt = elementParent(seenAt);
    }
    return alpha;
  }
  // What a filter leaves of the text's opacity.
  function filtered(filter, state) {
    var left = 1;
    var at = 0;
    while (at < filter.length) {
      var open = apply(indexOf, filter, ["(", at]);
      if (open < 0) break;
      var close = apply(indexOf, filter, [")", open]);
      if (close < 0) break;
      var name = "";
      for (var i = open - 1; i >= at && apply(charAt, filter, [i]) !== " "; i--) name = apply(charAt, filter, [i]) + name;
      var n = numbers(apply(slice, filter, [open + 1, close]));
      var value = n.length > 0 ? n[0] : 1;
      if (name === "opacity") left *= value;
      else if (name === "blur" && value > 2) left = 0;
      else if ((name === "brightness" || name === "contrast") && value < 0.2) left = 0;
      else if (name === "url") state.refusal = state.refusal || "the overlay's text is under an SVG filter: amperr cannot tell what the viewer reads";
      at = close + 1;
    }
    return left;
  }

  // Whether the point (x, y) of `element`'s text is on screen and on top: inside the player
  // and the viewport, and the element itself is what is hit there, in its own shadow scope
  // and in every scope above it. A canvas or frame on top makes the reading a refusal.
  function onTop(element, x, y, state) {
    if (x < state.box.left || y < state.box.top || x >= state.box.right || y >= state.box.bottom) return false;
    var target = element;
    for (var depth = 0; depth < 64; depth++) {
      var root = apply(rootNode, target, []);
      var inShadow = apply(nodeType, root, []) === 11;
      var hit = inShadow ? apply(hitInShadow, root, [x, y]) : apply(hitInDocument, doc, [x, y]);
      if (!hitsThrough(hit, target)) {
        if (hit !== null) {
          var name = apply(localName, hit, []);
          if (name === "canvas" || name === "iframe" || name === "object" || name === "embed" || name === "img") {
            state.refusal = state.refusal || "the overlay's text is covered by " + (name === "canvas" ? "a" : "an") + " <" + name + ">: amperr cannot read what it shows";
          }
        }
        return false;
      }
      if (!inShadow) return true;
      target = hostOf_(root);
    }
    return false;
  }

  // Whether `hit` is `target`, or the box `target` is drawn in when it makes none of its own
  // (display: contents; Chromium hits the element itself or its nearest box).
  function hitsThrough(hit, target) {
    for (var depth = 0; target !== null && depth < 64; depth++) {
      if (hit === target) return true;
      if (css(styleOf(target), "display") !== "contents") return false;
      target = elementParent(target);
    }
    return false;
  }

  // Whether the text of `style` stands out from what is behind the point (x, y): the
  // backgrounds under it composed down to the page's white, unless an image, a video, a
  // canvas or a frame is behind it (then the pixels judge).
  function legible(element, style, alpha, x, y, state) {
    var fill = colour(glyphColour(element, style));
    if (state.unknownInk || fill.r === null || number(css(style, "-webkit-text-stroke-width")) > 0 || css(style, "text-shadow") !== "none") return true;
    var r = 0, g = 0, b = 0, left = 1;
    function under(s) {
      var bg = colour(css(s, "background-color"));
      if (bg.r === null) return false;
      var a = bg.a * number(css(s, "opacity"));
      r += left * a * bg.r;
      g += left * a * bg.g;
      b += left * a * bg.b;
      left *= 1 - a;
      return true;
    }
    function opaque(candidate) {
      var name = apply(localName, candidate, []);
      if (name === "video" || name === "canvas" || name === "img" || name === "iframe" || name === "object" || name === "embed" || name === "svg") return false;
      var s = styleOf(candidate);
      if (css(s, "background-image") !== "none") return false;
      return under(s);
    }
    // Inside shadow roots, the ancestors up to the host; then what the document stacks there.
    var seenAt = element;
    while (seenAt !== null && apply(nodeType, apply(rootNode, seenAt, []), []) === 11) {
      if (!opaque(seenAt)) return true;
      seenAt = elementParent(seenAt);
    }
    var stack = apply(stackInDocument, doc, [x, y]);
    var from = 0;
    for (var i = 0; i < stack.length; i++) if (stack[i] === seenAt) from = i;
    for (var j = from; j < stack.length && left > 0.02; j++) if (!opaque(stack[j])) return true;
    var backdrop = create(null);
    backdrop.r = r + left * 255;
    backdrop.g = g + left * 255;
    backdrop.b = b + left * 255;
    var a = alpha > 1 ? 1 : alpha;
    var ink = create(null);
    ink.r = a * fill.r + (1 - a) * backdrop.r;
    ink.g = a * fill.g + (1 - a) * backdrop.g;
    ink.b = a * fill.b + (1 - a) * backdrop.b;
    var l1 = luminance(ink), l2 = luminance(backdrop);
    var ratio = (max(l1, l2) + 0.05) / (min(l1, l2) + 0.05);
    return ratio >= MIN_CONTRAST;
  }

  // Grows the box the text read is drawn in (what the pixels photograph) by `box`.
  function ink(state, box) {
    if (state.ink === null) {
      state.ink = create(null);
      state.ink.left = box.left;
      state.ink.top = box.top;
      state.ink.right = box.left + box.width;
      state.ink.bottom = box.top + box.height;
      return;
    }
    state.ink.left = min(state.ink.left, box.left);
    state.ink.top = min(state.ink.top, box.top);
    state.ink.right = max(state.ink.right, box.left + box.width);
    state.ink.bottom = max(state.ink.bottom, box.top + box.height);
  }

  // Whether the viewer can read the whole of a box of text (`boxes`: rects of its lines)
  // drawn with `style` by `element`.
  function readable(element, style, boxes, state) {
    state.unknownInk = false;
    if (css(style, "visibility") !== "visible") return false;
    var security = css(style, "-webkit-text-security");
    if (security !== "" && security !== "none") return false; // shown as discs
    var alpha = inkAlpha(element, style, state);
    if (alpha < MIN_ALPHA) return false;
    var seen = false;
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.width < 1) continue;
      if (box.height < MIN_HEIGHT) return false;
      var y = box.top + box.height / 2;
      var xs = [box.left + box.width * 0.1, box.left + box.width / 2, box.left + box.width * 0.9];
      for (var k = 0; k < 3; k++) if (!onTop(element, xs[k], y, state)) return false;
      if (!legible(element, style, alpha, xs[1], y, state)) return false;
      seen = true;
      ink(state, box);
    }
    return seen;
  }

  // A text as the viewer reads it under `style`: white space as CSS collapses it, the case
  // text-transform gives it, the order a bidi override gives it.
  function rendered(text, style) {
    var space = css(style, "white-space");
    var keepSpaces = space === "pre" || space === "pre-wrap" || space === "break-spaces";
    var keepBreaks = keepSpaces || space === "pre-line";
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = apply(charAt, text, [i]);
      var code = apply(charCodeAt, text, [i]);
      // What the viewer cannot tell from a space, and what they do not see at all: a
      // no-break space, a soft hyphen, zero-width spaces and joiners, icon fonts' private
      // glyphs.
      if (code === 0xa0) c = " ";
      else if (code === 0xad || (code >= 0x200b && code <= 0x200d) || code === 0x2060 || code === 0xfeff) continue;
      else if (code >= 0xe000 && code <= 0xf8ff) continue;
      if (c === "\n" && keepBreaks) out += "\n";
      else if ((c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") && !keepSpaces) out += " ";
      else out += c;
    }
    var transform = css(style, "text-transform");
    if (transform === "uppercase") out = apply(upper, out, []);
    else if (transform === "lowercase") out = apply(lower, out, []);
    else if (transform === "capitalize") {
      var word = "";
      for (var j = 0; j < out.length; j++) {
        var ch = apply(charAt, out, [j]);
        var starts = j === 0 || apply(charAt, out, [j - 1]) === " " || apply(charAt, out, [j - 1]) === "\n";
        word += starts ? apply(upper, ch, []) : ch;
      }
      out = word;
    }
    var bidi = css(style, "unicode-bidi");
    if ((bidi === "bidi-override" || bidi === "isolate-override") && css(style, "direction") === "rtl") {
      var reversed = "";
      for (var k = out.length - 1; k >= 0; k--) reversed += apply(charAt, out, [k]);
      out = reversed;
    }
    return out;
  }

  // The text of a pseudo-element's `content`, or null where amperr cannot resolve it (a
  // counter, an image).
  function contentText(content, element, style) {
    var out = "";
    var i = 0;
    var keepBreaks = apply(indexOf, css(style, "white-space"), ["pre"]) >= 0;
    while (i < content.length) {
      var c = apply(charAt, content, [i]);
      if (c === " ") {
        i++;
      } else if (c === "/") {
        break; // what follows is the alternative text for screen readers
      } else if (c === '"' || c === "'") {
        var quote = c;
        i++;
        while (i < content.length && apply(charAt, content, [i]) !== quote) {
          var d = apply(charAt, content, [i]);
          if (d !== "\\") {
            out += d;
            i++;
            continue;
          }
          i++;
          var hex = "";
          while (hex.length < 6 && i < content.length && hexDigit(apply(charAt, content, [i])) >= 0) hex += apply(charAt, content, [i++]);
          if (hex !== "") {
            var code = 0;
            for (var h = 0; h < hex.length; h++) code = code * 16 + hexDigit(apply(charAt, hex, [h]));
            out += code === 10 ? (keepBreaks ? "\n" : " ") : fromCode(code);
            if (apply(charAt, content, [i]) === " ") i++;
          } else if (i < content.length) {
            out += apply(charAt, content, [i++]);
          }
        }
        i++;
      } else if (startsWith(apply(slice, content, [i]), "attr(")) {
        var end = apply(indexOf, content, [")", i]);
        if (end < 0) return null;
        var name = apply(slice, content, [i + 5, end]);
        var value = apply(attribute, element, [name]);
        out += value === null ? "" : value;
        i = end + 1;
      } else if (startsWith(apply(slice, content, [i]), "open-quote") || startsWith(apply(slice, content, [i]), "close-quote")) {
        out += '"';
        i += startsWith(apply(slice, content, [i]), "open-quote") ? 10 : 11;
      } else {
        return null;
      }
    }
    return out;
  }

  function hexDigit(c) {
    return apply(indexOf, "0123456789abcdef", [apply(lower, c, [])]);
  }

  // Reads a pseudo-element's text into `state`.
  function pseudoText(element, which, state) {
    var style = styleOf(element, which);
    var content = css(style, "content");
    if (content === "none" || content === "normal" || content === "" || css(style, "display") === "none") return;
    var text = contentText(content, element, style);
    if (text === null) {
      state.refusal = state.refusal || "the overlay shows CSS content amperr cannot read (" + cut(content) + ")";
      return;
    }
    if (text === "") return;
    var size = number(css(style, "font-size"));
    var box = rect(apply(boundingRect, element, []));
    var boxes = [box];
    // The pseudo-element's own box cannot be measured: its element's box stands for it.
    if (size < MIN_HEIGHT / 2 || box.height < MIN_HEIGHT) return;
    var pseudoAlpha = colour(css(style, "-webkit-text-fill-color") || css(style, "color")).a * number(css(style, "opacity"));
    if (pseudoAlpha < MIN_ALPHA || css(style, "visibility") !== "visible") return;
    if (!readable(element, styleOf(element), boxes, state)) return;
    var block = isBlock(css(style, "display"));
    state.text += (block ? "\n" : "") + rendered(text, style) + (block ? "\n" : "");
  }

  function isBlock(display) {
    return display !== "" && !startsWith(display, "inline") && display !== "contents" && display !== "ruby";
  }

  // Walks the rendered tree under `node` (shadow roots, slots, pseudo-elements), adding the
  // text the viewer can read to `state.text`.
  function walk(node, state, depth) {
    if (state.refusal !== null) return;
    if (depth > 128 || state.walked++ > WALKED) {
      state.refusal = "the overlay is too large to read (over " + WALKED + " nodes or 128 levels deep)";
      return;
    }
    var type = apply(nodeType, node, []);
    if (type === 3) return textNode(node, state);
    if (type === 11) return children(node, state, depth);
    if (type !== 1) return;
    var style = styleOf(node);
    var display = css(style, "display");
    if (display === "none") return;
    var name = apply(localName, node, []);
    if (name === "br") {
      state.text += "\n";
      return;
    }
    if (name === "canvas") {
      var box = rect(apply(boundingRect, node, []));
      if (box.width >= 1 && box.height >= 1 && readable(node, style, [box], state)) {
        state.refusal = state.refusal || "the overlay shows a <canvas>: amperr cannot read what is drawn on it";
      }
      return;
    }
    var block = isBlock(display);
    if (block) state.text += "\n";
    pseudoText(node, "::before", state);
    var shadow = shadowOf(node);
    if (shadow !== null) children(shadow, state, depth);
    else if (name === "slot") slotted(node, state, depth);
    else children(node, state, depth);
    pseudoText(node, "::after", state);
    if (block) state.text += "\n";
  }
  function children(node, state, depth) {
    for (var child = apply(firstChild, node, []); child !== null; child = apply(nextSibling, child, [])) {
      walk(child, state, depth + 1);
    }
  }
  function slotted(slot, state, depth) {
    var nodes = apply(assigned, slot, [{ flatten: true }]);
    if (nodes.length === 0) return children(slot, state, depth);
    for (var i = 0; i < nodes.length; i++) walk(nodes[i], state, depth + 1);
  }
  function textNode(node, state) {
    var data = apply(textData, node, []);
    var parent = elementParent(node);
    if (parent === null || data === "") return;
    var style = styleOf(parent);
    var blank = true;
    for (var i = 0; i < data.length && blank; i++) {
      var c = apply(charCodeAt, data, [i]);
      blank = c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
    }
    if (blank) {
      state.text += rendered(data, style);
      return;
    }
    var range = apply(createRange, doc, []);
    apply(selectContents, range, [node]);
    var list = apply(rangeRects, range, []);
    var boxes = create(null);
    boxes.length = 0;
    var count = apply(rectCount, list, []);
    for (var j = 0; j < count && j < 256; j++) {
      boxes[j] = rect(apply(rectItem, list, [j]));
      boxes.length = j + 1;
    }
    if (readable(parent, style, boxes, state)) state.text += rendered(data, style);
    else state.hidden = true;
  }

  // The screen box amperr looks in for an overlay: the player's (the overlay's nearest
  // ancestor that holds a <video>), within the viewport.
  function playerBox(dialog) {
    var root = apply(documentElement, doc, []);
    var box = create(null);
    box.left = 0;
    box.top = 0;
    box.right = apply(viewportWidth, root, []);
    box.bottom = apply(viewportHeight, root, []);
    for (var at = elementParent(dialog); at !== null; at = elementParent(at)) {
      if (apply(selectIn, at, ["video"]) !== null) {
        var player = rect(apply(boundingRect, at, []));
        box.left = max(box.left, player.left);
        box.top = max(box.top, player.top);
        box.right = min(box.right, player.left + player.width);
        box.bottom = min(box.bottom, player.top + player.height);
        break;
      }
    }
    return box;
  }

  // Scrolls `content` into the viewport if it is not in it whole, as a viewer scrolls to
  // the player (what cannot be scrolled to, such as a box far off to the left, stays out).
  function inView(content) {
    var box = rect(apply(boundingRect, content, []));
    var root = apply(documentElement, doc, []);
    var width = apply(viewportWidth, root, []);
    var height = apply(viewportHeight, root, []);
    if (box.left >= 0 && box.top >= 0 && box.left + box.width <= width && box.top + box.height <= height) return;
    var where = create(null);
    where.block = where.inline = "nearest";
    apply(scrollIntoView, content, [where]);
  }

  function padded(ink, margin) {
    var box = create(null);
    box.left = max(0, ink.left - margin);
    box.top = max(0, ink.top - margin);
    box.width = ink.right + margin - box.left;
    box.height = ink.bottom + margin - box.top;
    return box;
  }

  // The lines the viewer reads: each trimmed, runs of spaces as one, empty lines dropped.
  function lines(text) {
    var out = "";
    var line = "";
    for (var i = 0; i <= text.length; i++) {
      var c = i < text.length ? apply(charAt, text, [i]) : "\n";
      if (c === "\n") {
        var trimmed = "";
        var space = false;
        for (var j = 0; j < line.length; j++) {
          var d = apply(charAt, line, [j]);
          if (d === " ") space = trimmed !== "";
          else {
            trimmed += (space ? " " : "") + d;
            space = false;
          }
        }
        if (trimmed !== "") out += (out === "" ? "" : "\n") + trimmed;
        line = "";
      } else line += c;
    }
    return out;
  }

  // One reading of AMP's overlay: {text, description, refusal}.
  function overlay() {
    hitTesting();
    var found = apply(selectAll, doc, [".vjs-error-display"]);
    var count = apply(listLength, found, []);
    var reading = create(null);
    reading.text = "";
    reading.refusal = null;
    reading.box = null;
    reading.description = count > 0 ? describedBy(apply(listItem, found, [0])) : null;
    var shownBy = null;
    for (var i = 0; i < count && i < 64; i++) {
      var dialog = apply(listItem, found, [i]);
      var content = apply(selectIn, dialog, [".vjs-modal-dialog-content"]);
      if (content === null) continue;
      var state = create(null);
      state.text = "";
      state.refusal = null;
      state.walked = 0;
      state.hidden = false;
      state.ink = null;
      state.unknownInk = false;
      inView(content);
      state.box = playerBox(dialog);
      walk(content, state, 0);
      if (state.refusal !== null && reading.refusal === null) reading.refusal = state.refusal;
      var text = lines(state.text);
      if (text === "") continue;
      if (shownBy !== null && text !== reading.text) {
        reading.refusal = reading.refusal || "two error overlays show text at once: " + apply(stringify, JSON, [cut(reading.text)]) + " and " + apply(stringify, JSON, [cut(text)]);
        continue;
      }
      shownBy = dialog;
      reading.text = text;
      reading.description = describedBy(dialog);
      // What the pixels photograph: the text's own boxes, a margin around them.
      reading.box = state.ink === null ? rect(apply(boundingRect, content, [])) : padded(state.ink, 4);
    }
    return reading;
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
    if (typeof hook.shown !== "function" && shown.refusal !== null) return refused(code, shown.refusal);
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

  // Clears the error, raises `code`, and reads the overlay; reads it again WATCH ms later,
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

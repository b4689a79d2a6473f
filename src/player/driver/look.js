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


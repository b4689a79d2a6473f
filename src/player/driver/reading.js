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

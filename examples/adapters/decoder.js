#!/usr/bin/env node
// A reference decoder of Azure Media Player error codes, speaking amperr's protocol v1.
//
// A starting point for integrators: it passes `amperr check` under both profiles.
//
//   amperr check -- node examples/adapters/decoder.js
//   amperr check --profile amp-2.3.0 -- node examples/adapters/decoder.js --profile amp-2.3.0
//
// Protocol v1 (docs/PROTOCOL.md): read one unsigned decimal code per line; answer each
// with one line of JSON, in order; exit 0 at the end of input. The tables below are the
// profiles' facts as `amperr spec --format json` prints them.
"use strict";

const AREAS = {
  0: "Unknown",
  1: "AMP",
  2: "AzureHtml5JS",
  3: "FlashSS",
  4: "SilverlightSS",
  5: "Html5",
  6: "Html5FairPlayHLS",
};

// category: [name, user message]; null where the profile gives no message.
const CATEGORIES = {
  "doc": {
    0x01: ["MEDIA_ERR_ABORTED", "You aborted the video playback"],
    0x02: ["MEDIA_ERR_NETWORK", "A network error caused the video download to fail part-way."],
    0x03: ["MEDIA_ERR_DECODE", "The video playback was aborted due to a corruption problem or because the video used features your browser did not support."],
    0x04: ["MEDIA_ERR_SRC_NOT_SUPPORTED", "The video could not be loaded, either because the server or network failed or because the format is not supported."],
    0x05: ["MEDIA_ERR_ENCRYPTED", "The video is encrypted and we do not have the keys to decrypt it."],
    0x06: ["SRC_PLAYER_MISMATCH", "No compatible source was found for this video."],
    0xFF: ["MEDIA_ERR_UNKNOWN", "An unknown error occurred."],
  },
  "amp-2.3.0": {
    0x00: ["MEDIA_ERR_CUSTOM", null],
    0x01: ["MEDIA_ERR_ABORTED", "Video playback aborted."],
    0x02: ["MEDIA_ERR_NETWORK", "A network error caused the video download to fail part-way. Please check your network connection or try again later."],
    0x03: ["MEDIA_ERR_DECODE", "The video could not be loaded, either because the server or network failed or because the format is not supported."],
    0x04: ["MEDIA_ERR_SRC_NOT_SUPPORTED", "The video playback was aborted due to a corruption problem or because the video used features your browser did not support."],
    0x05: ["MEDIA_ERR_ENCRYPTED", "Unable to decrypt the encrypted video source."],
    0x06: ["SRC_PLAYER_MISMATCH", "No compatible source was found for this media."],
    0xFF: ["MEDIA_ERR_UNKNOWN", "An unknown error occurred."],
  },
};

// The message of a category the profile does not name.
const OTHER_MESSAGE = { "doc": null, "amp-2.3.0": "" };

// bits 27-0 -> amp.errorCode name (the table row, never a range marker).
const NAMES = {
  "doc": {
    0x0100000: "abortedErrUnknown",
    0x0100001: "abortedErrNotImplemented",
    0x0100002: "abortedErrHttpMixedContentBlocked",
    0x0200000: "networkErrUnknown",
    0x0200190: "networkErrHttpBadUrlFormat",
    0x0200191: "networkErrHttpUserAuthRequired",
    0x0200193: "networkErrHttpUserForbidden",
    0x0200194: "networkErrHttpUrlNotFound",
    0x0200195: "networkErrHttpNotAllowed",
    0x020019A: "networkErrHttpGone",
    0x020019C: "networkErrHttpPreconditionFailed",
    0x02001F4: "networkErrHttpInternalServerFailure",
    0x02001F6: "networkErrHttpBadGateway",
    0x02001F7: "networkErrHttpServiceUnavailable",
    0x02001F8: "networkErrHttpGatewayTimeout",
    0x0200258: "networkErrTimeout",
    0x0200259: "networkErrErr",
    0x0300000: "decodeErrUnknown",
    0x0400000: "srcErrUnknown",
    0x0400001: "srcErrParsePresentation",
    0x0400002: "srcErrParseSegment",
    0x0400003: "srcErrUnsupportedPresentation",
    0x0400004: "srcErrInvalidSegment",
    0x0500000: "encryptErrUnknown",
    0x0500001: "encryptErrDecrypterNotFound",
    0x0500002: "encryptErrDecrypterInit",
    0x0500003: "encryptErrDecrypterNotSupported",
    0x0500004: "encryptErrKeyAcquire",
    0x0500005: "encryptErrDecryption",
    0x0500006: "encryptErrLicenseAcquire",
    0x0600000: "srcPlayerMismatchUnknown",
    0x0600001: "srcPlayerMismatchFlashNotInstalled",
    0x0600002: "srcPlayerMismatchSilverlightNotInstalled",
    0xFF00000: "errUnknown",
  },
  "amp-2.3.0": {
    0x0100000: "abortedErrUnknown",
    0x0100001: "abortedErrNotImplemented",
    0x0100002: "abortedErrHttpMixedContentBlocked",
    0x0200000: "networkErrUnknown",
    0x0200190: "networkErrHttpBadUrlFormat",
    0x0200191: "networkErrHttpUserAuthRequired",
    0x0200193: "networkErrHttpUserForbidden",
    0x0200194: "networkErrHttpUrlNotFound",
    0x0200195: "networkErrHttpNotAllowed",
    0x020019A: "networkErrHttpGone",
    0x020019C: "networkErrHttpPreconditionFailed",
    0x02001F4: "networkErrHttpInternalServerFailure",
    0x02001F6: "networkErrHttpBadGateway",
    0x02001F7: "networkErrHttpServiceUnavailable",
    0x02001F8: "networkErrHttpGatewayTimeout",
    0x0200258: "networkErrTimeout",
    0x0200259: "networkErrError",
    0x020025A: "networkErrAbort",
    0x0300000: "decodeErrUnknown",
    0x0400000: "srcErrUnknown",
    0x0400001: "srcErrParsePresentation",
    0x0400002: "srcErrParseSegment",
    0x0400003: "srcErrUnsupportedPresentation",
    0x0400004: "srcErrInvalidSegment",
    0x0400005: "srcErrLiveNoSegments",
    0x0500000: "encryptErrUnknown",
    0x0500001: "encryptErrDecrypterNotFound",
    0x0500002: "encryptErrDecrypterInit",
    0x0500003: "encryptErrDecrypterNotSupported",
    0x0500004: "encryptErrKeyAcquire",
    0x0500005: "encryptErrDecryption",
    0x0500006: "encryptErrLicenseAcquire",
    0x0600000: "srcPlayerMismatchUnknown",
    0x0600001: "srcPlayerMismatchFlashNotInstalled",
    0x0600002: "srcPlayerMismatchSilverlightNotInstalled",
    0xFF00000: "errUnknown",
  },
};


// The protocol v1 answer for one 32-bit code. `>>>` keeps it unsigned: `>>` would make
// area 8..15 negative.
function decode(code, profile = "doc") {
  const area = code >>> 28;
  const category = (code >>> 20) & 0xff;
  const known = CATEGORIES[profile][category];
  return {
    code,
    area,
    category,
    detail: code & 0xfffff,
    name: NAMES[profile][code & 0x0fffffff] ?? null,
    message: known ? known[1] : OTHER_MESSAGE[profile],
    area_name: AREAS[area] ?? null,
    category_name: known ? known[0] : null,
  };
}

function main(argv) {
  let profile = "doc";
  if (argv.length === 2 && argv[0] === "--profile" && argv[1] in CATEGORIES) {
    profile = argv[1];
  } else if (argv.length > 0) {
    process.stderr.write("usage: decoder.js [--profile doc|amp-2.3.0]\n");
    process.exit(2);
  }
  let pending = "";
  let out = [];
  const flush = () => {
    if (out.length > 0) process.stdout.write(out.join(""));
    out = [];
  };
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop();
    for (const line of lines) {
      if (line.trim() !== "") out.push(JSON.stringify(decode(Number(line), profile)) + "\n");
    }
    flush();
  });
  process.stdin.on("end", () => {
    if (pending.trim() !== "") out.push(JSON.stringify(decode(Number(pending), profile)) + "\n");
    flush();
  });
}

if (require.main === module) main(process.argv.slice(2));
module.exports = { decode };

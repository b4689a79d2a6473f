#!/usr/bin/env python3
"""A reference decoder of Azure Media Player error codes, speaking amperr's protocol v1.

A starting point for integrators: it passes `amperr check` under both profiles.

    amperr check -- python3 examples/adapters/decoder.py
    amperr check --profile amp-2.3.0 -- python3 examples/adapters/decoder.py --profile amp-2.3.0

Protocol v1 (docs/PROTOCOL.md): read one unsigned decimal code per line; answer each with
one line of JSON, in order; exit 0 at the end of input. The tables below are the
profiles' facts as `amperr spec --format json` prints them.
"""

import json
import sys

AREAS = {
    0: "Unknown",
    1: "AMP",
    2: "AzureHtml5JS",
    3: "FlashSS",
    4: "SilverlightSS",
    5: "Html5",
    6: "Html5FairPlayHLS",
}

# category: (name, user message); None where the profile gives no message.
CATEGORIES = {
    "doc": {
        0x01: ("MEDIA_ERR_ABORTED", "You aborted the video playback"),
        0x02: ("MEDIA_ERR_NETWORK", "A network error caused the video download to fail part-way."),
        0x03: ("MEDIA_ERR_DECODE", "The video playback was aborted due to a corruption problem or because the video used features your browser did not support."),
        0x04: ("MEDIA_ERR_SRC_NOT_SUPPORTED", "The video could not be loaded, either because the server or network failed or because the format is not supported."),
        0x05: ("MEDIA_ERR_ENCRYPTED", "The video is encrypted and we do not have the keys to decrypt it."),
        0x06: ("SRC_PLAYER_MISMATCH", "No compatible source was found for this video."),
        0xFF: ("MEDIA_ERR_UNKNOWN", "An unknown error occurred."),
    },
    "amp-2.3.0": {
        0x00: ("MEDIA_ERR_CUSTOM", None),
        0x01: ("MEDIA_ERR_ABORTED", "Video playback aborted."),
        0x02: ("MEDIA_ERR_NETWORK", "A network error caused the video download to fail part-way. Please check your network connection or try again later."),
        0x03: ("MEDIA_ERR_DECODE", "The video could not be loaded, either because the server or network failed or because the format is not supported."),
        0x04: ("MEDIA_ERR_SRC_NOT_SUPPORTED", "The video playback was aborted due to a corruption problem or because the video used features your browser did not support."),
        0x05: ("MEDIA_ERR_ENCRYPTED", "Unable to decrypt the encrypted video source."),
        0x06: ("SRC_PLAYER_MISMATCH", "No compatible source was found for this media."),
        0xFF: ("MEDIA_ERR_UNKNOWN", "An unknown error occurred."),
    },
}

# The message of a category the profile does not name.
OTHER_MESSAGE = {"doc": None, "amp-2.3.0": ""}

# bits 27-0 -> amp.errorCode name (the table row, never a range marker).
NAMES = {
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
}


def decode(code, profile="doc"):
    """The protocol v1 answer for one 32-bit code."""
    area = code >> 28
    category = (code >> 20) & 0xFF
    known = CATEGORIES[profile].get(category)
    return {
        "code": code,
        "area": area,
        "category": category,
        "detail": code & 0xFFFFF,
        "name": NAMES[profile].get(code & 0x0FFFFFFF),
        "message": known[1] if known else OTHER_MESSAGE[profile],
        "area_name": AREAS.get(area),
        "category_name": known[0] if known else None,
    }


def main(argv):
    profile = "doc"
    if argv[:1] == ["--profile"] and len(argv) == 2 and argv[1] in CATEGORIES:
        profile = argv[1]
    elif argv:
        sys.exit("usage: decoder.py [--profile doc|amp-2.3.0]")
    for line in sys.stdin:
        # Python buffers stdout when it is a pipe; the gate reads and writes in parallel,
        # so that is fine, and faster.
        sys.stdout.write(json.dumps(decode(int(line), profile)) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])

#!/bin/sh
# Regenerates check-faults' test streams: run `sh src/faults/streams/make.sh` from anywhere
# (needs Debian's ffmpeg); it rewrites every file beside it, and the outputs are committed.
#
# One set of media serves every stream: 3 fragmented-MP4 segments of 1 s each (H.264
# baseline, 128x72, 10 fps, no audio) in dash/, which the other manifests reference with
# relative URLs going up, and a progressive, faststart mp4/x.mp4. The media are clear: the
# ClearKey MPD and the AES-128 playlist only make the player fetch a license and a key.
set -eu
cd "$(dirname "$0")"

CODECS=avc1.42C01E
# Bit-exact, single-threaded x264 so that a rerun gives the same bytes on the same ffmpeg.
VIDEO="-f lavfi -i testsrc=size=128x72:rate=10:duration=3 -an -c:v libx264 -threads 1
  -profile:v baseline -level 3.0 -pix_fmt yuv420p -g 10 -keyint_min 10 -sc_threshold 0
  -crf 35 -preset veryfast -fflags +bitexact -flags:v +bitexact -map_metadata -1"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Fragmented at each keyframe (1 s), then cut at the top-level boxes: init.mp4 is ftyp+moov,
# each seg-N.m4s one moof+mdat. No styp or sidx before the moof: a fault that scrambles bytes
# 8..72 of a segment then lands inside the moof and breaks its box structure.
# shellcheck disable=SC2086
ffmpeg -nostdin -loglevel error -y $VIDEO \
  -movflags frag_keyframe+empty_moov+default_base_moof+skip_trailer "$tmp/frag.mp4"
mkdir -p dash mp4 hls smooth/x.ism
python3 - "$tmp/frag.mp4" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
boxes, at = [], 0
while at < len(data):
    size, kind = struct.unpack(">I4s", data[at:at + 8])
    boxes.append((kind, data[at:at + size]))
    at += size
init = b"".join(b for k, b in boxes if k in (b"ftyp", b"moov"))
open("dash/init.mp4", "wb").write(init)
n = 0
for i, (kind, box) in enumerate(boxes):
    if kind == b"moof":
        n += 1
        assert boxes[i + 1][0] == b"mdat"
        open("dash/seg-%d.m4s" % n, "wb").write(box + boxes[i + 1][1])
assert n == 3, n
PY
# shellcheck disable=SC2086
ffmpeg -nostdin -loglevel error -y $VIDEO -movflags +faststart mp4/x.mp4

# An MPD whose segments are at $1 (relative to the MPD), with optional extra XML in the
# AdaptationSet ($2).
mpd() {
  cat <<EOF
<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:cenc="urn:mpeg:cenc:2013" xmlns:dashif="https://dashif.org/CPS" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="static" mediaPresentationDuration="PT3S" minBufferTime="PT1S">
  <Period id="0" start="PT0S">
    <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1">$2
      <Representation id="v0" codecs="$CODECS" bandwidth="40000" width="128" height="72" frameRate="10">
        <SegmentList timescale="1000" duration="1000">
          <Initialization sourceURL="$1init.mp4"/>
          <SegmentURL media="$1seg-1.m4s"/>
          <SegmentURL media="$1seg-2.m4s"/>
          <SegmentURL media="$1seg-3.m4s"/>
        </SegmentList>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
EOF
}

mpd "" "" >dash/x.mpd
# ClearKey: the license URL resolves against the MPD (dash/license).
mpd "" '
      <ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc" cenc:default_KID="9eb4050d-e44b-4802-932e-27d75083e266"/>
      <ContentProtection schemeIdUri="urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e" value="ClearKey1.0">
        <dashif:Laurl>license</dashif:Laurl>
      </ContentProtection>' >dash/clearkey.mpd
# The license server's answer: a ClearKey JWK set for that key id (key "0123456789abcdef").
printf '%s\n' '{"keys":[{"kty":"oct","kid":"nrQFDeRLSAKTLifXUIPiZg","k":"MDEyMzQ1Njc4OWFiY2RlZg"}],"type":"temporary"}' >dash/license
# What Azure Media Services answers for the Smooth URL plus (format=mpd-time-csf).
mpd "../../dash/" "" >"smooth/x.ism/manifest(format=mpd-time-csf)"

# The Smooth manifest itself (what a Smooth tech would read): 3 chunks of 1 s, 100 ns units.
cat >smooth/x.ism/manifest <<EOF
<?xml version="1.0" encoding="utf-8"?>
<SmoothStreamingMedia MajorVersion="2" MinorVersion="2" Duration="30000000" TimeScale="10000000">
  <StreamIndex Chunks="3" Type="video" Url="QualityLevels({bitrate})/Fragments(video={start time})" QualityLevels="1" MaxWidth="128" MaxHeight="72" DisplayWidth="128" DisplayHeight="72">
    <QualityLevel Index="0" Bitrate="40000" FourCC="H264" MaxWidth="128" MaxHeight="72" CodecPrivateData="000000016742C01EDA0F0B7E5C0440000003004000000A23C58BA80000000168CE0F2C80"/>
    <c t="0" d="10000000" r="3"/>
  </StreamIndex>
</SmoothStreamingMedia>
EOF

playlist() {
  printf '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n'
  printf '#EXT-X-PLAYLIST-TYPE:VOD\n%s#EXT-X-MAP:URI="../dash/init.mp4"\n' "$1"
  for n in 1 2 3; do printf '#EXTINF:1.000,\n../dash/seg-%s.m4s\n' "$n"; done
  printf '#EXT-X-ENDLIST\n'
}
playlist "" >hls/x.m3u8
playlist '#EXT-X-KEY:METHOD=AES-128,URI="key",IV=0x00000000000000000000000000000001
' >hls/key.m3u8
# A fixed 16-byte key (the media are clear; the player only has to fetch it).
printf '0123456789abcdef' >hls/key

du -ab . | sort -k2

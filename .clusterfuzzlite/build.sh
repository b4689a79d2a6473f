#!/bin/bash -eu
# Builds every fuzz target of fuzz/ into $OUT, each with its seed corpus and the shared
# dictionary. ClusterFuzzLite runs this inside its image (nightly Rust, SANITIZER=address);
# amperr's CI runs it outside Docker on stable with SANITIZER=none to prove it builds.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ -d "$repo/fuzz" ] || repo="$SRC/amperr"
out="${OUT:?set OUT to the directory for the fuzzers}"
cd "$repo/fuzz"

case "${SANITIZER:-address}" in
  none) cargo fuzz build -O -s none ;;
  *) cargo fuzz build -O ;;
esac

bin="$repo/fuzz/target/x86_64-unknown-linux-gnu/release"
for target in $(cargo fuzz list); do
  cp "$bin/$target" "$out/"
  cp amperr.dict "$out/$target.dict"
  if command -v zip >/dev/null; then
    (cd "seeds/$target" && zip -q -r "$out/${target}_seed_corpus.zip" .)
  fi
done
echo "built $(cargo fuzz list | wc -l) fuzz targets into $out"

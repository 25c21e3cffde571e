#!/usr/bin/env bash
# Builds the release binaries of jxsync into dist/: static (CGO_ENABLED=0),
# without local paths (-trimpath) or symbols (-s -w), stamped with the
# version, commit and build date that `jxsync version` prints:
#
#   dist/jxsync-<version>-windows-amd64.exe
#   dist/jxsync-<version>-linux-amd64
#   dist/jxsync-<version>-linux-arm64
#   dist/jxsync-<version>-darwin-arm64
#   dist/SHA256SUMS
#
# Usage: scripts/release.sh [VERSION]   (default: `git describe --tags`, or
# dev-<short commit>). Other platforms: PLATFORMS="windows/386 linux/amd64".
set -euo pipefail
cd "$(dirname "$0")/.."

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  commit="$commit-dirty"
fi
version=${1:-$(git describe --tags --always --dirty 2>/dev/null || echo "dev-${commit:0:12}")}
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
platforms=${PLATFORMS:-"windows/amd64 linux/amd64 linux/arm64 darwin/arm64"}

ldflags="-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date"
rm -rf dist
mkdir -p dist
for p in $platforms; do
  os=${p%/*}
  arch=${p#*/}
  out="dist/jxsync-$version-$os-$arch"
  [ "$os" = windows ] && out="$out.exe"
  echo "== $os/$arch -> $out"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out" ./cmd/jxsync
done
if command -v sha256sum >/dev/null 2>&1; then
  (cd dist && sha256sum jxsync-* > SHA256SUMS)
else
  (cd dist && shasum -a 256 jxsync-* > SHA256SUMS) # macOS
fi
echo "== dist/SHA256SUMS"
cat dist/SHA256SUMS

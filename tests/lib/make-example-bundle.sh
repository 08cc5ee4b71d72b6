#!/bin/bash
# Build the example bundle into DIR: a busybox rootfs and the repo's
# config.example.json as config.json. Then: cd DIR && nook run nook-example
#   tests/lib/make-example-bundle.sh DIR
set -euo pipefail

dir=${1:?usage: make-example-bundle.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

mkdir -p "$dir"
if [ ! -x "$dir/rootfs/bin/busybox" ]; then
	bash "$here/make-rootfs.sh" "$dir/rootfs"
fi
cp "$repo/config.example.json" "$dir/config.json"
echo "example bundle in $dir: cd $dir && nook run nook-example"

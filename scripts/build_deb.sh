#!/bin/sh
# make deb: builds libapache2-mod-pamps from debian/ (debhelper, dh_apache2)
# in OUT/src, a copy of the checkout's files (tracked and new, not ignored),
# so that dpkg-buildpackage writes nothing beside the checkout; the .deb
# lands in OUT.
# usage: build_deb.sh TOP OUT
set -eu
top=$1 out=$2

rm -rf "$out"
mkdir -p "$out/src"
cd "$top"
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$out/src"
else
    tar -cf - --exclude=./build --exclude=./.git . | tar -xf - -C "$out/src"
fi
# Swagger UI as make deps installed it (npm, not committed): the package
# ships its files; the build itself stays offline
if [ ! -f web/node_modules/swagger-ui-dist/swagger-ui-bundle.js ]; then
    echo "build_deb: web/node_modules/swagger-ui-dist is missing: run make deps" >&2
    exit 1
fi
mkdir -p "$out/src/web/node_modules"
cp -r web/node_modules/swagger-ui-dist "$out/src/web/node_modules/"
cd "$out/src"
# noddebs: no separate debug-symbol package; nocheck: make test is its own step
DEB_BUILD_OPTIONS="noddebs nocheck parallel=2" dpkg-buildpackage -b -us -uc -j2 \
    >"$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
cd "$out"
rm -rf src
ls "$out"/*.deb

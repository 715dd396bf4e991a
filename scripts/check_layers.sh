#!/bin/sh
# make check-layers: the layers of README's "Layout" hold.
# - src/core/ and src/cli/ compile without httpd's headers on the include
#   path: they reach no httpd type, directly or through another header;
# - src/httpd/ compiles without src/api/ on the include path: the glue
#   knows the route rows' shape, never the handlers;
# - no relative includes that would walk around those paths;
# - no circles among files (a file's header stands for the file).
set -u
cd "$(dirname "$0")/.."
CC=${CC:-cc}
APR=$(pkg-config --cflags apr-1 apr-util-1 jansson libjwt libargon2 2>/dev/null)
HTTPD=-I$(apxs -q INCLUDEDIR 2>/dev/null || echo /usr/include/apache2)
fail=0

compile_alone() { # layer, include flags, files...
    layer=$1 flags=$2
    shift 2
    for f in "$@"; do
        if ! out=$($CC -fsyntax-only -I include $flags $APR "$f" 2>&1); then
            echo "check-layers: $f ($layer) reaches a header of a layer above it:"
            echo "$out" | grep -E "fatal error|included from" | head -4 | sed 's/^/    /'
            fail=1
        fi
    done
}

compile_alone core "" src/core/*.c
compile_alone cli "" src/cli/*.c
compile_alone httpd "$HTTPD" src/httpd/*.c

if grep -n '#include *"\.\./' mod_pamps.c src/*/*.c src/*/*.h include/*.h; then
    echo "check-layers: relative includes walk around the layers (above)"
    fail=1
fi

# Edges "a b": file a includes b's header. tsort names a loop if there is one.
graph=$(for f in mod_pamps.c src/*/*.c src/*/*.h include/*.h; do
            from=$(basename "$f" | sed 's/\.[ch]$//')
            sed -n 's/^#include *"\([a-z_]*\)\.h".*/\1/p' "$f" |
                while read -r to; do
                    [ "$to" = "$from" ] || echo "$from $to"
                done
        done)
if ! echo "$graph" | tsort >/dev/null 2>/tmp/check_layers.$$; then
    echo "check-layers: files depend on each other in a circle:"
    sed 's/^/    /' /tmp/check_layers.$$
    fail=1
fi
rm -f /tmp/check_layers.$$

[ $fail -eq 0 ] && echo "check-layers: core, httpd, api and cli layers hold; no circles"
exit $fail

#!/bin/sh
# make install / uninstall: Apache's configuration files of mod_pamps,
# handled as dpkg handles conffiles: an edited file is never overwritten or
# removed. What install wrote last is kept in PRISTINE_DIR: a file equal to
# it (or to the new one) is unedited.
# usage: install_conf.sh install|remove SRC DIR PRISTINE_DIR
#        install_conf.sh notice APACHE_DIR
set -eu
action=$1

if [ "$action" = notice ]; then
    cat <<MSG
mod_pamps installed. Next (README "Install into the system Apache", from source),
unless done before:
  (umask 027; head -c 48 /dev/urandom | base64 > $2/pamps-jwt.key)
  chgrp www-data $2/pamps-jwt.key
  install -d -m 750 -o www-data -g www-data /var/lib/pamps
  a2enmod pamps                   # enables mod_dbd too
  apache2ctl configtest && apache2ctl graceful
MSG
    exit 0
fi

src=$2 dir=$3 pristine=$4
name=$(basename "$src")
dest=$dir/$name

unedited() {
    [ ! -e "$dest" ] || cmp -s "$dest" "$src" ||
        { [ -e "$pristine/$name" ] && cmp -s "$dest" "$pristine/$name"; }
}

case $action in
install)
    if unedited; then
        install -m 644 "$src" "$dest"
        rm -f "$dest.dist"
    else
        install -m 644 "$src" "$dest.dist"
        echo "kept your edited $dest; the new one is $dest.dist" >&2
    fi
    install -d "$pristine"
    install -m 644 "$src" "$pristine/$name"
    ;;
remove)
    if unedited; then
        rm -f "$dest"
    else
        echo "kept your edited $dest" >&2
    fi
    rm -f "$dest.dist" "$pristine/$name"
    rmdir "$pristine" 2>/dev/null || true
    ;;
*)
    echo "usage: $0 install|remove SRC DIR PRISTINE_DIR | notice APACHE_DIR" >&2
    exit 2
    ;;
esac

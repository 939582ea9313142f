#!/usr/bin/env bash
# Builds the base of Berth's container image without a Docker engine and without Docker Hub:
# the files of a few Debian packages installed on this (Debian 12) build machine — the C library,
# libstdc++ and a shell, which the JVM and the embedded PostgreSQL need — a Java runtime made by
# jlink from the build's JDK, a user `berth` (1000:1000) and its data directory /var/lib/berth
# (0700, owned by berth). The result is a docker-archive tar (manifest.json, config, one gzipped layer)
# that Jib builds Berth's image on (`tar://` base image).
#
# usage: base-image.sh OUTPUT_DIR JAVA_HOME
set -euo pipefail

out=${1:?output directory}
java_home=${2:?JAVA_HOME of the JDK to jlink}
packages=(libc6 libc-bin libgcc-s1 libstdc++6 zlib1g dash netbase)
# every module of the JDK but the development tools: Payara Micro and the libraries Berth carries
# reach for many of them by reflection, so a list worked out by jdeps would break at run time
excluded='^(jdk\.(compiler|editpad|hotspot\.agent|internal\.ed|internal\.le|internal\.opt|jartool|javadoc|jconsole|jdeps|jdi|jlink|jpackage|jshell|jstatd|graal\..*|internal\.vm\.ci|accessibility|unsupported\.desktop)|java\.desktop|java\.smartcardio)$'

for tool in dpkg-query tar sha256sum "$java_home/bin/jlink"; do
  command -v "$tool" >/dev/null || { echo "base-image: $tool is missing (the image is built from a Debian machine's packages and a JDK's jlink)" >&2; exit 1; }
done

rm -rf "$out"
root="$out/rootfs"
mkdir -p "$root"

# the packages' own files (not their directories: on merged-/usr Debian /lib is a link to usr/lib,
# and the image keeps the packages' paths), links kept as links
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q "install ok installed" \
    || { echo "base-image: Debian package $package is not installed here" >&2; exit 1; }
  dpkg-query -L "$package" | while IFS= read -r path; do
    if [ ! -d "$path" ] && { [ -L "$path" ] || [ -f "$path" ]; }; then
      case "$path" in /usr/share/doc/*|/usr/share/man/*|/usr/share/lintian/*|/usr/share/info/*) continue ;; esac
      printf '%s\n' "${path#/}"
    fi
  done
done | sort -u > "$out/files"
tar -C / --no-recursion -cf - -T "$out/files" | tar -C "$root" -xf -
ln -sf dash "$root/bin/sh"
mkdir -p "$root/lib64"
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
/sbin/ldconfig -r "$root"

modules=$("$java_home/bin/java" --list-modules | sed 's/@.*//' | grep -Ev "$excluded" | paste -sd, -)
"$java_home/bin/jlink" --add-modules "$modules" --output "$root/opt/java" --strip-debug --no-header-files \
  --no-man-pages --generate-cds-archive

mkdir -p "$root/etc" "$root/tmp" "$root/var/lib" "$root/etc/docker/registry"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nberth:x:1000:1000:Berth:/var/lib/berth:/usr/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nberth:x:1000:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"

# one layer, reproducible: root owns everything but Berth's data directory
layer="$out/layer.tar"
common=(--sort=name --mtime=@0 --numeric-owner --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
tar -C "$root" "${common[@]}" --owner=0 --group=0 -cf "$layer" .
mkdir -p "$out/data/var/lib/berth"
chmod 0700 "$out/data/var/lib/berth"
tar -C "$out/data" "${common[@]}" --owner=1000 --group=1000 -rf "$layer" ./var/lib/berth

diff_id="sha256:$(sha256sum "$layer" | cut -d' ' -f1)"
gzip -n -6 "$layer"
cat > "$out/config.json" <<EOF
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"]},"rootfs":{"type":"layers","diff_ids":["$diff_id"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/image/base-image.sh: Debian ${packages[*]} and a jlinked Java runtime"}]}
EOF
printf '[{"Config":"config.json","RepoTags":["berth-base:local"],"Layers":["layer.tar.gz"]}]\n' > "$out/manifest.json"
tar -C "$out" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$out/base.tar" manifest.json config.json layer.tar.gz
# rootfs/ stays: aot-cache.sh trains the AOT cache in it
rm -rf "$out/data" "$layer.gz"
echo "base-image: $out/base.tar ($(du -h "$out/base.tar" | cut -f1)), layer $diff_id"

#!/usr/bin/env bash
# Release build: a tarball and a .deb of Berth that run without Maven or a source tree.
#
#   scripts/release.sh [--jar FILE] [--out DIR] [--no-runtime] [--no-tarball] [--no-deb]
#
# Makes, in --out (default target/release):
#   berth-VERSION-linux-x86_64.tar.gz   berth-VERSION/{bin/berth, lib/berth.jar, runtime/, share/berth/}
#   berth_VERSION_amd64.deb             the same under /usr/lib/berth, /usr/bin/berth, the systemd unit
#                                       berth.service (user berth, storage /var/lib/berth) and
#                                       /etc/berth/berth.yml (a conffile)
# runtime/ is a Java runtime made by jlink with only the modules berth.jar uses (jdeps), so neither
# needs a JDK on the machine; --no-runtime leaves it out of the tarball, whose launcher then finds a
# JDK 21+ as ./berth does (the .deb always bundles it: Debian 12 has no JDK 21). Both put
# bin/docker-credential-berth (the jar's dev.berth.credentials.vault.HelperMain) on PATH.
# Needs a JDK 21+ (jlink, jdeps), dpkg-deb for the .deb; builds the jar with ./mvnw unless --jar.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
jar=""
out=$root/target/release
runtime=yes
deb=yes
tar=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar=$(readlink -f "${2:?}"); shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --no-runtime) runtime=no; shift ;;
    --no-deb) deb=no; shift ;;
    --no-tarball) tar=no; shift ;;
    -h|--help) sed -n '4p' "$0" | sed 's/^#   //'; exit 0 ;;
    *) echo "release: unknown argument: $1" >&2; exit 2 ;;
  esac
done
say() { echo "release: $*" >&2; }
. "$root/scripts/find-jdk.sh"
berth_find_jdk
for tool in jlink jdeps; do
  [ -x "$JAVA_HOME/bin/$tool" ] || { say "$JAVA_HOME has no $tool: a full JDK 21+ is needed"; exit 1; }
done
if [ "$deb" = yes ]; then
  command -v dpkg-deb >/dev/null || { say "dpkg-deb is missing (apt-get install dpkg), or use --no-deb"; exit 1; }
fi
version=$(sed -n '0,/<version>/s/.*<version>\([^<]*\)<\/version>.*/\1/p' "$root/pom.xml" | head -n1)
[ -n "$version" ] || { say "no version in $root/pom.xml"; exit 1; }
if [ -z "$jar" ]; then
  say "building the jar (./mvnw package)..."
  (cd "$root" && ./mvnw -B -q -DskipTests package -pl berth-cli -am >&2)
  jar=$root/berth-cli/target/berth.jar
fi
[ -f "$jar" ] || { say "no jar at $jar"; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- the runtime: the modules the jar uses, nothing else ---
if [ "$runtime" = yes ] && [ "$tar" = yes ] || [ "$deb" = yes ]; then
  say "finding the modules berth.jar uses (jdeps)..."
  modules=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps -q \
    --multi-release "$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release")" "$jar")
  # java.logging (Vert.x and Netty log through it) and jdk.unsupported (signals) are named even
  # if jdeps already found them: the server does not start without them
  modules="$modules,java.logging,jdk.unsupported"
  say "linking a runtime with $modules..."
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --output "$work/runtime" >&2
fi

# --- the tree both packages share ---
assemble() {  # dir with_runtime
  local dir=$1
  mkdir -p "$dir/bin" "$dir/lib" "$dir/share/berth"
  install -m 0755 "$root/packaging/bin/berth" "$dir/bin/berth"
  install -m 0644 "$jar" "$dir/lib/berth.jar"
  install -m 0644 "$root/scripts/find-jdk.sh" "$dir/lib/find-jdk.sh"
  install -m 0644 "$root/packaging/berth.yml" "$dir/share/berth/berth.yml.example"
  install -m 0644 "$root/packaging/systemd/berth.service" "$dir/share/berth/berth.service"
  install -m 0755 "$root/packaging/bin/docker-credential-berth" "$dir/bin/docker-credential-berth"
  if [ "$2" = yes ]; then
    cp -a "$work/runtime" "$dir/runtime"
  fi
}
helper_note() {
  if [ -x "$1/bin/docker-credential-berth" ]; then
    say "  with docker-credential-berth"
  else
    say "  without docker-credential-berth: this jar has no dev.berth.credentials.vault.HelperMain (not merged yet)"
  fi
}

if [ "$tar" = yes ]; then
  name=berth-$version
  assemble "$work/$name" "$runtime"
  tarball=$out/$name-linux-x86_64.tar.gz
  tar -C "$work" --owner=0 --group=0 --numeric-owner -czf "$tarball" "$name"
  say "wrote $tarball ($(du -h "$tarball" | cut -f1))"
  helper_note "$work/$name"
fi

if [ "$deb" = yes ]; then
  # Debian orders 0.1.0~snapshot before 0.1.0, as a -SNAPSHOT precedes its release
  debversion=$(echo "$version" | tr 'A-Z' 'a-z' | sed 's/-/~/g')
  stage=$work/deb
  assemble "$stage/usr/lib/berth" yes
  mkdir -p "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/etc/berth" "$stage/DEBIAN"
  ln -s ../lib/berth/bin/berth "$stage/usr/bin/berth"
  if [ -x "$stage/usr/lib/berth/bin/docker-credential-berth" ]; then
    ln -s ../lib/berth/bin/docker-credential-berth "$stage/usr/bin/docker-credential-berth"
  fi
  install -m 0644 "$root/packaging/systemd/berth.service" "$stage/lib/systemd/system/berth.service"
  install -m 0644 "$root/packaging/berth.yml" "$stage/etc/berth/berth.yml"
  for script in postinst prerm postrm; do
    install -m 0755 "$root/packaging/deb/$script" "$stage/DEBIAN/$script"
  done
  echo /etc/berth/berth.yml > "$stage/DEBIAN/conffiles"
  size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
  cat > "$stage/DEBIAN/control" <<CONTROL
Package: berth
Version: $debversion
Architecture: amd64
Maintainer: Berth developers <berth@localhost>
Installed-Size: $size
Depends: passwd, libc6
Section: admin
Priority: optional
Description: authenticated container registry and daemonless client
 berth serve: an OCI distribution registry with revocable logins (a token service,
 personal access tokens, access rules), TLS with its own CA (berth trust), metrics,
 access and audit logs; berth login/push/pull: a client that speaks docker's files.
 Runs as the systemd service berth (user berth, storage /var/lib/berth).
CONTROL
  debfile=$out/berth_${debversion}_amd64.deb
  dpkg-deb --root-owner-group -Zgzip --build "$stage" "$debfile" >&2
  say "wrote $debfile ($(du -h "$debfile" | cut -f1))"
  [ "$tar" = yes ] || helper_note "$stage/usr/lib/berth"
fi

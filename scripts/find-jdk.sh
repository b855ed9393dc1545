# Sourced by ./berth and ./mvnw: sets JAVA_HOME to a JDK >= 21.
# Order: JAVA_HOME, then /usr/lib/jvm/* (newest first), then `java` on PATH.
berth_java_feature() {  # prints the feature version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  # Every JDK ships a `release` file: reading it costs nothing, starting a JVM costs ~50 ms each.
  local v
  v=$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$1/release" 2>/dev/null | head -n 1)
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1)
  fi
  echo "$v"
}
berth_find_jdk() {
  local candidate v best="" bestv=0
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(berth_java_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then return 0; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -L "$candidate" ] && continue
    v=$(berth_java_feature "$candidate")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$bestv" ]; then best=$candidate; bestv=$v; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(berth_java_feature "$candidate")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then best=$candidate; fi
  fi
  if [ -z "$best" ]; then
    echo "berth: no JDK 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm/*, PATH); install one or set JAVA_HOME" >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

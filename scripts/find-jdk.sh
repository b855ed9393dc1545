# Sourced by ./berth and ./mvnw (POSIX sh): sets JAVA_HOME to a JDK >= 21, and
# BERTH_JAVA_FEATURE to its feature version (21, 25, ...).
# Order: JAVA_HOME, then /usr/lib/jvm/* (newest first), then `java` on PATH.
# The common path forks no process: every JDK ships a `release` file, read here with the shell's
# own `read` (starting a JVM per candidate costs ~50 ms each, a sed ~1 ms each).

berth_jdk_feature() {  # sets _berth_v to the feature version of the JDK at $1, or empty
  _berth_v=""
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -r "$1/release" ]; then
    while IFS= read -r _berth_line; do
      case $_berth_line in
        JAVA_VERSION=*)
          _berth_v=${_berth_line#JAVA_VERSION=}
          _berth_v=${_berth_v#\"}
          _berth_v=${_berth_v#1.}
          _berth_v=${_berth_v%%[!0-9]*}
          break ;;
      esac
    done < "$1/release"
  fi
  if [ -z "$_berth_v" ]; then
    _berth_v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1)
  fi
}
berth_java_feature() {  # prints the feature version of the JDK at $1, or nothing
  berth_jdk_feature "$1"
  echo "$_berth_v"
}
berth_find_jdk() {
  local candidate best="" bestv=0
  if [ -n "${JAVA_HOME:-}" ]; then
    berth_jdk_feature "$JAVA_HOME"
    if [ -n "$_berth_v" ] && [ "$_berth_v" -ge 21 ]; then
      export BERTH_JAVA_FEATURE="$_berth_v"
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -L "$candidate" ] && continue
    berth_jdk_feature "$candidate"
    if [ -n "$_berth_v" ] && [ "$_berth_v" -ge 21 ] && [ "$_berth_v" -gt "$bestv" ]; then best=$candidate; bestv=$_berth_v; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    berth_jdk_feature "$candidate"
    if [ -n "$_berth_v" ] && [ "$_berth_v" -ge 21 ]; then best=$candidate; bestv=$_berth_v; fi
  fi
  if [ -z "$best" ]; then
    echo "berth: no JDK 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm/*, PATH); install one or set JAVA_HOME" >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export BERTH_JAVA_FEATURE="$bestv"
}

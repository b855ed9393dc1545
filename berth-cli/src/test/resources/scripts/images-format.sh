#!/usr/bin/env bash
# What people script around `docker images --format`, run against Berth: walk every name, read
# each row as JSON, untag a repository. $BERTH is the command to run (java -jar berth.jar).
set -euo pipefail
berth() { $BERTH "$@"; }

berth load -i "$1" >/dev/null

# {{.Repository}}:{{.Tag}}: one name per line, fed back to other commands
for ref in $(berth images --format '{{.Repository}}:{{.Tag}}'); do
  printf 'name %s %s\n' "$ref" "$(berth inspect --format '{{.Id}}' "$ref")"
done

# {{json .}}: one JSON object per line
berth images --format '{{json .}}' | while IFS= read -r line; do
  case $line in
    '{"Containers":'*'}') printf 'json %s\n' "$line" ;;
    *) printf 'not one JSON object per line: %s\n' "$line" >&2; exit 1 ;;
  esac
done

# untag every tag of one repository (xargs runs the command itself, not the function)
berth images --format '{{.Repository}}:{{.Tag}}' team/app | xargs $BERTH rmi | sed 's/^/rmi /'
printf 'left %s\n' "$(berth images --format '{{.Repository}}:{{.Tag}}' | tr '\n' ' ')"

#!/usr/bin/env bash
# Checks a commit message: a subject of at most 72 characters, then, if there is more,
# a blank second line before the body. Usage: check-commit-msg.sh [FILE] (default:
# standard input). As a git hook: ln -s ../../scripts/check-commit-msg.sh .git/hooks/commit-msg
# Lines starting with '#' and everything below git's scissors line are ignored, as git
# drops them; so are leading blank lines. Exits 1 with one line per problem.
set -uo pipefail
export LC_ALL=C.UTF-8 # count characters, not bytes
max=72
file=${1:--}

if [[ $file == - ]]; then
  text=$(cat)
else
  text=$(cat -- "$file") || exit 1
fi

lines=()
while IFS= read -r line || [[ -n $line ]]; do
  [[ $line == '# ------------------------ >8 ------------------------' ]] && break
  [[ $line == '#'* ]] && continue
  [[ ${#lines[@]} -eq 0 && -z ${line//[[:space:]]/} ]] && continue
  lines+=("$line")
done <<<"$text"

if [[ ${#lines[@]} -eq 0 ]]; then
  echo "check-commit-msg: the message is empty" >&2
  exit 1
fi
status=0
subject=${lines[0]}
if ((${#subject} > max)); then
  echo "check-commit-msg: the subject is ${#subject} characters (at most $max): $subject" >&2
  status=1
fi
if ((${#lines[@]} > 1)) && [[ -n ${lines[1]//[[:space:]]/} ]]; then
  echo "check-commit-msg: the second line must be blank (subject, blank line, body)" >&2
  status=1
fi
exit $status

# quiet CMD...: runs a build step silently, but shows its output when it fails (a build error must not
# vanish into /dev/null and leave a script that just stops).
quiet() {
  local log; log=$(mktemp)
  if "$@" >"$log" 2>&1; then rm -f "$log"; return 0; fi
  cat "$log" >&2; rm -f "$log"; echo "failed: $*" >&2; return 1
}

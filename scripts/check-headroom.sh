# shellcheck shell=bash
# Cost Observatory pre-flight check for agent engines. Source this file, then call check_headroom:
#
#   . scripts/check-headroom.sh
#   check_headroom team-agents 2.50     # budget name (optional), estimated cost of the run in USD (optional)
#
# It prints one line and returns:
#   0  allow or warn   (start the run; a warn line says why, e.g. 80 % used or stale data)
#   1  deny            (spent + estimate reaches the budget's limit)
#   2  error           (no answer: network, timeout, 4xx/5xx, unreadable reply). Fail closed: do not start the run.
#
# Environment:
#   COST_OBSERVATORY_URL      API base URL (required): the stack's ApiUrl output, or http://127.0.0.1:8787 locally.
#                             https only, except http on loopback (127.0.0.0/8, [::1], localhost)
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (optional), AWS_REGION (or AWS_DEFAULT_REGION)
#                             when set, requests are signed with SigV4 (curl --aws-sigv4), as the deployed API requires.
#                             The secret key and token go to curl on its standard input, never on its command line
#   COST_OBSERVATORY_TIMEOUT  seconds before giving up (default 5)
#   COST_OBSERVATORY_BYPASS   set to 1 to skip the check (an operator override); it says so on stderr and returns 0
#
# Needs curl 7.75 or newer (for --aws-sigv4).

# A value for a double-quoted string in a curl config file.
_check_headroom_quote() {
  local value="${1//\\/\\\\}"
  printf '%s' "${value//\"/\\\"}"
}

check_headroom() {
  local budget="${1:-}" estimate="${2:-0}"
  local timeout="${COST_OBSERVATORY_TIMEOUT:-5}"
  local base="${COST_OBSERVATORY_URL:-}"

  if [ "${COST_OBSERVATORY_BYPASS:-}" = "1" ]; then
    echo "headroom: BYPASSED by COST_OBSERVATORY_BYPASS=1; no budget was checked" >&2
    echo "headroom ${budget:-all}: bypass (COST_OBSERVATORY_BYPASS=1)"
    return 0
  fi
  if [ -z "$base" ]; then
    echo "headroom ${budget:-all}: error (COST_OBSERVATORY_URL is not set)"
    return 2
  fi
  if [ -n "$budget" ] && ! [[ "$budget" =~ ^[a-z0-9-]{1,64}$ ]]; then
    echo "headroom: error (budget name '$budget' is not 1-64 characters of a-z, 0-9 and -)"
    return 2
  fi
  if ! [[ "$estimate" =~ ^[0-9]{1,10}(\.[0-9]{1,6})?$ ]]; then
    echo "headroom ${budget:-all}: error (estimate '$estimate' is not an amount of US dollars such as 2.50)"
    return 2
  fi

  # Only https leaves this machine; plain http is for the local server. curl is held to the same (--proto).
  local scheme="${base%%://*}" authority="${base#*://}" proto=""
  authority="${authority%%[/?#]*}"
  local loopback='^(localhost|127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|\[::1\])(:[0-9]{1,5})?$'
  if [[ "$base" == *://* ]]; then
    case "${scheme,,}" in
      https) proto="=https" ;;
      http) [[ "${authority,,}" =~ $loopback ]] && proto="=http" ;;
    esac
  fi
  if [ -z "$proto" ]; then
    echo "headroom ${budget:-all}: error (COST_OBSERVATORY_URL must be https://, or http:// on loopback)"
    return 2
  fi

  local query="estimate_usd=${estimate}"
  [ -n "$budget" ] && query="budget=${budget}&${query}"
  local url="${base%/}/v1/headroom?${query}"
  local -a args=(--silent --show-error --proto "$proto" --max-time "$timeout" --write-out $'\n%{http_code}'
    -H 'accept: application/json' --config -)
  # Secrets go in curl's config on standard input: a command line is visible to every user (ps), and curl only
  # blanks --user there after it has started. printf is a shell builtin, so no process carries them as arguments.
  local config=""
  if [ -n "${AWS_ACCESS_KEY_ID:-}" ] && [ -n "${AWS_SECRET_ACCESS_KEY:-}" ]; then
    local region="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}" credential
    for credential in "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "${AWS_SESSION_TOKEN:-}"; do
      if [[ "$credential" == *[$'\n\r']* ]]; then
        echo "headroom ${budget:-all}: error (the AWS credentials in the environment contain a line break)"
        return 2
      fi
    done
    args+=(--aws-sigv4 "aws:amz:${region}:execute-api")
    config+="user = \"$(_check_headroom_quote "${AWS_ACCESS_KEY_ID}:${AWS_SECRET_ACCESS_KEY}")\""$'\n'
    [ -n "${AWS_SESSION_TOKEN:-}" ] \
      && config+="header = \"x-amz-security-token: $(_check_headroom_quote "$AWS_SESSION_TOKEN")\""$'\n'
  fi

  local reply status body
  if ! reply="$(printf '%s' "$config" | curl "${args[@]}" "$url" 2>&1)"; then
    echo "headroom ${budget:-all}: error (no answer within ${timeout}s: $(printf '%s' "$reply" | tail -n 1))"
    return 2
  fi
  status="${reply##*$'\n'}"
  body="${reply%$'\n'*}"
  if [ "$status" != "200" ]; then
    local message
    message="$(printf '%s' "$body" | sed -n 's/.*"message":"\([^"]*\)".*/\1/p')"
    echo "headroom ${budget:-all}: error (HTTP ${status}${message:+: $message})"
    return 2
  fi

  # The first occurrence of each field is the answer itself, or the most constrained budget of a list.
  local decision name spent limit remaining stale as_of
  decision="$(printf '%s' "$body" | sed -n 's/^{"decision":"\([a-z]*\)".*/\1/p')"
  [ -z "$decision" ] && decision="$(printf '%s' "$body" | sed -n 's/.*"decision":"\([a-z]*\)".*/\1/p' | head -n 1)"
  name="$(printf '%s' "$body" | grep -o '"budget":"[a-z0-9-]*"' | head -n 1 | cut -d'"' -f4)"
  spent="$(printf '%s' "$body" | grep -o '"spent_usd":[0-9.-]*' | head -n 1 | cut -d: -f2)"
  limit="$(printf '%s' "$body" | grep -o '"limit_usd":[0-9.-]*' | head -n 1 | cut -d: -f2)"
  remaining="$(printf '%s' "$body" | grep -o '"remaining_usd":[0-9.-]*' | head -n 1 | cut -d: -f2)"
  stale="$(printf '%s' "$body" | grep -o '"stale":[a-z]*' | head -n 1 | cut -d: -f2)"
  as_of="$(printf '%s' "$body" | grep -o '"data_as_of":"[^"]*"' | head -n 1 | cut -d'"' -f4)"

  local detail="no budgets"
  [ -n "$name" ] && detail="${name}: spent \$${spent} of \$${limit}, remaining \$${remaining}, estimate \$${estimate}, data as of ${as_of:-never}${stale:+, stale=${stale}}"
  case "$decision" in
    allow|warn) echo "headroom ${budget:-all}: ${decision} (${detail})"; return 0 ;;
    deny) echo "headroom ${budget:-all}: deny (${detail})"; return 1 ;;
    *) echo "headroom ${budget:-all}: error (unreadable answer)"; return 2 ;;
  esac
}

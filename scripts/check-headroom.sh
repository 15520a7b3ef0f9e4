# shellcheck shell=bash
# Cost Observatory pre-flight check for agent engines. Source this file, then call check_headroom, or hold money for
# a run with hold_headroom and settle it afterwards with settle_hold:
#
#   . scripts/check-headroom.sh
#   check_headroom team-agents 2.50     # budget name (optional), estimated cost of the run in USD (optional)
#   hold_id="$(hold_headroom team-agents 2.50 "$run_id")"   # prints the hold id; same return codes
#   settle_hold "$hold_id" 1.84         # the run's cost in USD (optional: without it, the estimate counts)
#
# check_headroom prints one line and returns:
#   0  allow or warn   (start the run; a warn line says why, e.g. 80 % used or stale data)
#   1  deny            (spent + held + estimate reaches the budget's limit)
#   2  error           (no answer: network, timeout, 4xx/5xx, unreadable reply). Fail closed: do not start the run.
# hold_headroom returns the same, printing only the hold id on standard output (its line goes to standard error);
# money is reserved only on 0. settle_hold returns 0 when the hold is settled, 2 on any error.
#
# Environment:
#   COST_OBSERVATORY_URL      API base URL (required): the stack's ApiUrl output, or http://127.0.0.1:8787 locally.
#                             https only, except http on loopback (127.0.0.0/8, [::1], localhost)
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (optional), AWS_REGION (or AWS_DEFAULT_REGION)
#                             when set, requests are signed with SigV4 (curl --aws-sigv4), as the deployed API requires.
#                             The secret key and token go to curl on its standard input, never on its command line
#   COST_OBSERVATORY_TIMEOUT  seconds before giving up (default 5)
#   COST_OBSERVATORY_BYPASS   set to 1 to skip the check (an operator override); it says so on stderr and returns 0
#   For hold_headroom:
#   COST_OBSERVATORY_RUN_CLASS  size the hold from this class's settled runs when no estimate is given
#   COST_OBSERVATORY_HOLD_TTL   seconds until the hold expires by itself (default 900, at most 86400)
#   COST_OBSERVATORY_API_KEY_ID, COST_OBSERVATORY_WORKSPACE_ID, COST_OBSERVATORY_MODEL
#                             without a budget name, hold against every budget containing this scope
#
# Needs curl 7.75 or newer (for --aws-sigv4).

# A value for a double-quoted string in a curl config file.
_check_headroom_quote() {
  local value="${1//\\/\\\\}"
  printf '%s' "${value//\"/\\\"}"
}

# Sends one request to the API. On an answer (any HTTP status) it sets _co_status and _co_body and returns 0;
# otherwise it prints "<label>: error (...)" and returns 2. Usage: _cost_observatory_call LABEL METHOD PATH [JSON]
_cost_observatory_call() {
  local label="$1" method="$2" target="$3" json="${4:-}"
  local timeout="${COST_OBSERVATORY_TIMEOUT:-5}"
  local base="${COST_OBSERVATORY_URL:-}"
  _co_status="" _co_body=""
  if [ -z "$base" ]; then
    echo "${label}: error (COST_OBSERVATORY_URL is not set)"
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
    echo "${label}: error (COST_OBSERVATORY_URL must be https://, or http:// on loopback)"
    return 2
  fi

  local url="${base%/}${target}"
  local -a args=(--silent --show-error --proto "$proto" --max-time "$timeout" --write-out $'\n%{http_code}'
    -X "$method" -H 'accept: application/json' --config -)
  # Secrets go in curl's config on standard input: a command line is visible to every user (ps), and curl only
  # blanks --user there after it has started. printf is a shell builtin, so no process carries them as arguments.
  local config=""
  if [ -n "${AWS_ACCESS_KEY_ID:-}" ] && [ -n "${AWS_SECRET_ACCESS_KEY:-}" ]; then
    local region="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}" credential
    for credential in "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "${AWS_SESSION_TOKEN:-}"; do
      if [[ "$credential" == *[$'\n\r']* ]]; then
        echo "${label}: error (the AWS credentials in the environment contain a line break)"
        return 2
      fi
    done
    args+=(--aws-sigv4 "aws:amz:${region}:execute-api")
    config+="user = \"$(_check_headroom_quote "${AWS_ACCESS_KEY_ID}:${AWS_SECRET_ACCESS_KEY}")\""$'\n'
    [ -n "${AWS_SESSION_TOKEN:-}" ] \
      && config+="header = \"x-amz-security-token: $(_check_headroom_quote "$AWS_SESSION_TOKEN")\""$'\n'
  fi
  if [ -n "$json" ]; then
    args+=(-H 'content-type: application/json')
    config+="data-binary = \"$(_check_headroom_quote "$json")\""$'\n'
  fi

  local reply
  if ! reply="$(printf '%s' "$config" | curl "${args[@]}" "$url" 2>&1)"; then
    echo "${label}: error (no answer within ${timeout}s: $(printf '%s' "$reply" | tail -n 1))"
    return 2
  fi
  _co_status="${reply##*$'\n'}"
  _co_body="${reply%$'\n'*}"
  return 0
}

# The message of an error answer, for the one line printed.
_cost_observatory_error() {
  local message
  message="$(printf '%s' "$_co_body" | sed -n 's/.*"message":"\([^"]*\)".*/\1/p')"
  echo "${1}: error (HTTP ${_co_status}${message:+: $message})"
}

# The first occurrence of a field in the last answer: the answer itself, or the most constrained budget of a list.
_cost_observatory_field() {
  local field="$1" value
  value="$(printf '%s' "$_co_body" | grep -o "\"${field}\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4)"
  [ -z "$value" ] && value="$(printf '%s' "$_co_body" | grep -o "\"${field}\":[0-9.a-z-]*" | head -n 1 | cut -d: -f2)"
  printf '%s' "$value"
}

check_headroom() {
  local budget="${1:-}" estimate="${2:-0}"

  if [ "${COST_OBSERVATORY_BYPASS:-}" = "1" ]; then
    echo "headroom: BYPASSED by COST_OBSERVATORY_BYPASS=1; no budget was checked" >&2
    echo "headroom ${budget:-all}: bypass (COST_OBSERVATORY_BYPASS=1)"
    return 0
  fi
  if [ -z "${COST_OBSERVATORY_URL:-}" ]; then
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

  local query="estimate_usd=${estimate}"
  [ -n "$budget" ] && query="budget=${budget}&${query}"
  _cost_observatory_call "headroom ${budget:-all}" GET "/v1/headroom?${query}" || return 2
  if [ "$_co_status" != "200" ]; then
    _cost_observatory_error "headroom ${budget:-all}"
    return 2
  fi

  local decision name spent limit remaining stale as_of
  decision="$(printf '%s' "$_co_body" | sed -n 's/^{"decision":"\([a-z]*\)".*/\1/p')"
  [ -z "$decision" ] && decision="$(_cost_observatory_field decision)"
  name="$(printf '%s' "$_co_body" | grep -o '"budget":"[a-z0-9-]*"' | head -n 1 | cut -d'"' -f4)"
  spent="$(_cost_observatory_field spent_usd)"
  limit="$(_cost_observatory_field limit_usd)"
  remaining="$(_cost_observatory_field remaining_usd)"
  stale="$(_cost_observatory_field stale)"
  as_of="$(printf '%s' "$_co_body" | grep -o '"data_as_of":"[^"]*"' | head -n 1 | cut -d'"' -f4)"

  local detail="no budgets"
  [ -n "$name" ] && detail="${name}: spent \$${spent} of \$${limit}, remaining \$${remaining}, estimate \$${estimate}, data as of ${as_of:-never}${stale:+, stale=${stale}}"
  case "$decision" in
    allow|warn) echo "headroom ${budget:-all}: ${decision} (${detail})"; return 0 ;;
    deny) echo "headroom ${budget:-all}: deny (${detail})"; return 1 ;;
    *) echo "headroom ${budget:-all}: error (unreadable answer)"; return 2 ;;
  esac
}

# hold_headroom [BUDGET] [ESTIMATE_USD] [RUN_ID]: reserves the estimate against the budget (or, without a budget name,
# every budget containing COST_OBSERVATORY_API_KEY_ID / _WORKSPACE_ID / _MODEL). Prints the hold id on standard
# output and one line on standard error; returns 0 held, 1 denied (nothing held), 2 error (nothing held).
# RUN_ID (default COST_OBSERVATORY_RUN_ID, else a new one) makes a retry find the same hold instead of a second.
hold_headroom() {
  local budget="${1:-}" estimate="${2:-}" run_id="${3:-${COST_OBSERVATORY_RUN_ID:-}}"
  local run_class="${COST_OBSERVATORY_RUN_CLASS:-}" ttl="${COST_OBSERVATORY_HOLD_TTL:-}"
  local label="hold ${budget:-scope}"

  if [ "${COST_OBSERVATORY_BYPASS:-}" = "1" ]; then
    echo "hold: BYPASSED by COST_OBSERVATORY_BYPASS=1; nothing was held" >&2
    return 0
  fi
  [ -z "$run_id" ] && run_id="run-$(date -u +%Y%m%dT%H%M%SZ)-$$-${RANDOM}${RANDOM}"
  local target=""
  if [ -n "$budget" ]; then
    if ! [[ "$budget" =~ ^[a-z0-9-]{1,64}$ ]]; then
      echo "hold: error (budget name '$budget' is not 1-64 characters of a-z, 0-9 and -)" >&2
      return 2
    fi
    target="\"budget\":\"${budget}\""
  else
    local key="${COST_OBSERVATORY_API_KEY_ID:-}" workspace="${COST_OBSERVATORY_WORKSPACE_ID:-}"
    local model="${COST_OBSERVATORY_MODEL:-}"
    if [ -n "$key" ]; then
      [[ "$key" =~ ^apikey_[A-Za-z0-9_-]{1,128}$ ]] || { echo "${label}: error (COST_OBSERVATORY_API_KEY_ID is not an API key id)" >&2; return 2; }
      target+="\"api_key_id\":\"${key}\","
    fi
    if [ -n "$workspace" ]; then
      [[ "$workspace" =~ ^(default|wrkspc_[A-Za-z0-9_-]{1,128})$ ]] || { echo "${label}: error (COST_OBSERVATORY_WORKSPACE_ID is not a workspace id)" >&2; return 2; }
      target+="\"workspace_id\":\"${workspace}\","
    fi
    if [ -n "$model" ]; then
      [[ "$model" =~ ^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$ ]] || { echo "${label}: error (COST_OBSERVATORY_MODEL is not a model id)" >&2; return 2; }
      target+="\"model\":\"${model}\","
    fi
    if [ -z "$target" ]; then
      echo "hold: error (give a budget name, or set COST_OBSERVATORY_API_KEY_ID, _WORKSPACE_ID or _MODEL)" >&2
      return 2
    fi
    target="${target%,}"
  fi
  if ! [[ "$run_id" =~ ^[A-Za-z0-9._:-]{1,128}$ ]]; then
    echo "${label}: error (run id '$run_id' is not 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-')" >&2
    return 2
  fi
  local json="{${target},\"run_id\":\"${run_id}\""
  if [ -n "$estimate" ]; then
    if ! [[ "$estimate" =~ ^[0-9]{1,10}(\.[0-9]{1,6})?$ ]]; then
      echo "${label}: error (estimate '$estimate' is not an amount of US dollars such as 2.50)" >&2
      return 2
    fi
    json+=",\"estimate_usd\":${estimate}"
  elif [ -z "$run_class" ]; then
    echo "${label}: error (give an estimate in USD, or set COST_OBSERVATORY_RUN_CLASS)" >&2
    return 2
  fi
  if [ -n "$run_class" ]; then
    [[ "$run_class" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || { echo "${label}: error (COST_OBSERVATORY_RUN_CLASS is not 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-')" >&2; return 2; }
    json+=",\"run_class\":\"${run_class}\""
  fi
  if [ -n "$ttl" ]; then
    [[ "$ttl" =~ ^[0-9]{1,5}$ ]] || { echo "${label}: error (COST_OBSERVATORY_HOLD_TTL is not a number of seconds)" >&2; return 2; }
    json+=",\"ttl_seconds\":${ttl}"
  fi
  json+="}"

  _cost_observatory_call "$label" POST "/v1/holds" "$json" >&2 || return 2
  local decision blocking hold_id expires remaining name
  decision="$(_cost_observatory_field decision)"
  name="$(printf '%s' "$_co_body" | grep -o '"budget":"[a-z0-9-]*"' | head -n 1 | cut -d'"' -f4)"
  remaining="$(_cost_observatory_field remaining_usd)"
  case "${_co_status}:${decision}" in
    201:allow|201:warn)
      hold_id="$(_cost_observatory_field hold_id)"
      expires="$(_cost_observatory_field expires_at)"
      if ! [[ "$hold_id" =~ ^hold_[0-9a-f]{32}$ ]]; then
        echo "${label}: error (unreadable answer)" >&2
        return 2
      fi
      echo "${label}: ${decision} (${hold_id} for run ${run_id} until ${expires}${name:+; ${name}: remaining \$${remaining}})" >&2
      echo "$hold_id"
      return 0 ;;
    409:deny)
      blocking="$(_cost_observatory_field blocking_budget)"
      echo "${label}: deny (nothing held; ${blocking} has \$${remaining} left after this run)" >&2
      return 1 ;;
    *)
      _cost_observatory_error "$label" >&2
      return 2 ;;
  esac
}

# settle_hold HOLD_ID [ACTUAL_USD]: releases the hold and records the run's cost (without one, the hold's estimate)
# until the stored usage covers the run. Prints one line; returns 0 settled, 2 error.
settle_hold() {
  local hold_id="${1:-}" actual="${2:-}"
  if [ "${COST_OBSERVATORY_BYPASS:-}" = "1" ] && [ -z "$hold_id" ]; then
    echo "settle: BYPASSED by COST_OBSERVATORY_BYPASS=1; there is no hold to settle" >&2
    return 0
  fi
  if ! [[ "$hold_id" =~ ^hold_[0-9a-f]{32}$ ]]; then
    echo "settle: error (hold id '${hold_id}' is not one hold_headroom printed)"
    return 2
  fi
  local json="{}"
  if [ -n "$actual" ]; then
    if ! [[ "$actual" =~ ^[0-9]{1,10}(\.[0-9]{1,6})?$ ]]; then
      echo "settle ${hold_id}: error (actual cost '$actual' is not an amount of US dollars such as 1.84)"
      return 2
    fi
    json="{\"actual_usd\":${actual}}"
  fi
  _cost_observatory_call "settle ${hold_id}" POST "/v1/holds/${hold_id}/settle" "$json" || return 2
  if [ "$_co_status" != "200" ]; then
    _cost_observatory_error "settle ${hold_id}"
    return 2
  fi
  echo "settle ${hold_id}: settled (\$$(_cost_observatory_field actual_usd), $(_cost_observatory_field actual_basis))"
  return 0
}

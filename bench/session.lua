-- wrk script for bench/pages.py: every request carries the signed-in person's session
-- and CSRF cookies and the headers the production proxy would add; any answer but 200
-- (a lost session redirects to sign-in, which would look fast) is counted, and the
-- figures are printed as one JSON line.
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["X-Forwarded-For"] = "127.0.0.1"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "median_us": %d, "p99_us": %d, "not_200": %d, "socket_errors": %d}\n',
    summary.requests, latency:percentile(50), latency:percentile(99), bad,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end

-- wrk script for bench/pages.py: every request carries the signed-in person's session
-- and CSRF cookies and the headers the production proxy would add, and the figures are
-- printed as one JSON line.
--
-- No response() callback: with one, wrk copies every body into Lua on the machine's
-- cores it shares with the server, which charges a long page for the client's work.
-- Errors (4xx/5xx) are counted by wrk itself; a lost session (a redirect to sign-in,
-- which would look fast) is caught by bench/pages.py, which checks the page still
-- answers 200 with its word after every run, since a session once lost stays lost.
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["X-Forwarded-For"] = "127.0.0.1"

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "median_us": %d, "p99_us": %d, "errors_status": %d, "socket_errors": %d}\n',
    summary.requests, latency:percentile(50), latency:percentile(99), errors.status,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end

-- wrk script for a GET: the proxy in front of the site terminates TLS and says so; at the
-- end, one line of JSON that benchmarks/run.py reads (latencies in microseconds).
wrk.headers["X-Forwarded-Proto"] = "https"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end

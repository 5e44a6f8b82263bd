-- wrk script for the intake form's POST. Every request sends a body of its own (a fresh
-- solved ALTCHA challenge each: a solution is accepted once), read from the file made by
-- benchmarks/run.py, one urlencoded body a line. Threads take every n-th line and stop
-- before the file runs out, so the run is bounded in requests as well as in time.
-- Arguments: <bodies file> <threads> <connections> <cookie> <origin>
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  nthreads = tonumber(args[2])
  reserve = math.ceil(tonumber(args[3]) / nthreads) + 1
  index = tid + 1
  ok, refused, other = 0, 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = args[4]
  wrk.headers["Origin"] = args[5]
  wrk.headers["X-Forwarded-Proto"] = "https"
end

function request()
  local body = bodies[index] or bodies[#bodies]
  index = index + nthreads
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status == 302 then
    ok = ok + 1 -- stored, then sent on to the confirmation page
  elseif status == 200 or status == 429 then
    refused = refused + 1 -- the form shown again with an error
  else
    other = other + 1
  end
  if index + reserve * nthreads > #bodies then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local stored, shown_again, others = 0, 0, 0
  for _, thread in ipairs(threads) do
    stored = stored + thread:get("ok")
    shown_again = shown_again + thread:get("refused")
    others = others + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"redirects":%d,"refused":%d,"other":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout,
    stored, shown_again, others))
end

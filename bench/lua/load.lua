-- wrk script shared by every bench target. Configured by environment variables:
--   BENCH_KEY     API key sent as x-api-key (all modes)
--   BENCH_MODE    "get" (default): the URL as given; "create": POST BENCH_BODY with a unique
--                 Idempotency-Key per request (thread number + counter, so keys never repeat)
--   BENCH_BODY    JSON body for "create"
-- At the end it prints one line "BENCH_JSON {...}" that bench/load.py parses.

local mode = os.getenv("BENCH_MODE") or "get"
local key = os.getenv("BENCH_KEY") or ""
local body = os.getenv("BENCH_BODY") or "{}"

wrk.headers["x-api-key"] = key
wrk.headers["Accept"] = "application/json"

local threads = {}
local counter = 0
local run = tostring(os.time())

function setup(thread)
   thread:set("tid", #threads + 1)
   table.insert(threads, thread)
end

if mode == "create" then
   wrk.method = "POST"
   wrk.body = body
   wrk.headers["Content-Type"] = "application/json"
   function request()
      counter = counter + 1
      wrk.headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, tid, counter)
      return wrk.format()
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end

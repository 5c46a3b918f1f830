-- wrk script for bench_serve.py: POST /allocate, a new order line each request
-- (the book's body) on one of 1000 SKUs in turn (S1 .. S1000), each wrk thread
-- numbering its own order ids after the prefix $ALLOT_BENCH_RUN (default "w"), so
-- that each run of bench_serve.py allocates new lines, never lines already there.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local run = os.getenv("ALLOT_BENCH_RUN") or "w"
function request()
  n = n + 1
  local body = string.format('{"orderid":"%s%d-%d","sku":"S%d","qty":1}', run, tid, n,
                             n % 1000 + 1)
  return wrk.format("POST", "/allocate", {["Content-Type"] = "application/json"}, body)
end

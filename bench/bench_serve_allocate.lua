-- wrk script for bench_serve.py: POST /allocate, a new order line each request
-- (the book's body) on one of 1000 SKUs in turn (S1 .. S1000), each wrk thread
-- numbering its own order ids.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
function request()
  n = n + 1
  local body = string.format('{"orderid":"w%d-%d","sku":"S%d","qty":1}', tid, n, n % 1000 + 1)
  return wrk.format("POST", "/allocate", {["Content-Type"] = "application/json"}, body)
end

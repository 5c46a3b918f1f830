-- wrk script for bench_serve.py: GET /allocations/ORDERID over the orders it
-- allocated beforehand (r1 .. r1000), in turn.
local n = 0
function request()
  n = n % 1000 + 1
  return wrk.format("GET", "/allocations/r" .. n)
end

-- A reader, not a load generator: after each answer, wait READ_DELAY_MS (default 100) before the
-- next request, so that a thousand connections offer a known load instead of as much as the
-- server can take (closed-loop latency is only connections / throughput).
local pause = tonumber(os.getenv("READ_DELAY_MS") or "100")

function delay()
  return pause
end

-- POST confirmations, each thread taking every n-th token of the file in TOKENS.
local tokens = {}
local index = 0
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

function init(args)
  local path = os.getenv("TOKENS")
  local n = tonumber(os.getenv("THREADS") or "2")
  local i = 0
  for line in io.lines(path) do
    local token = line:match("^%d+ (%x+)")
    if token then
      if i % n == (tid - 1) then table.insert(tokens, token) end
      i = i + 1
    end
  end
end

function request()
  index = index + 1
  local token = tokens[((index - 1) % #tokens) + 1]
  return wrk.format("POST", "/api/v1/signatures/confirm", {["Content-Type"] = "application/json"},
    '{"token":"' .. token .. '"}')
end

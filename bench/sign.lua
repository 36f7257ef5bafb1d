-- POST a sign request for a new organisation each time (distinct across threads and runs).
local counter = 0
local thread_id = 0
local run = tostring(os.time())

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"organisation_name":"Bench org %s-%d-%d","country":"FR","website":"","representative_name":"A Person",' ..
    '"representative_role":"Director","email":"bench%d-%d@example.org","comment":"","consent":true}',
    run, tid, counter, tid, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

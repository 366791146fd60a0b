-- wrk script: POST /api/v1/org/units with a unique code per request.
-- Usage: wrk ... -s bench/write.lua <url> -- <parent_id> <run_tag>
-- The Authorization header comes from wrk's -H option, which fills wrk.headers; wrk.format
-- uses wrk.headers only when given no header table, so Content-Type is added to it here.
-- Codes are <run_tag>-t<thread>-<counter>: unique per thread and across threads.

local threads = {}
local next_thread = 1

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

counter = 0
parent_id = "1"
tag = "bench"
first_bad = ""
bad = 0

function init(args)
  parent_id = args[1] or "1"
  tag = args[2] or "bench"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local code = string.format("%s-t%d-%d", tag, tid, counter)
  local body = string.format('{"parent_id":%s,"code":"%s","name":"压测 %s","kind":"department"}',
                             parent_id, code, code)
  return wrk.format("POST", "/api/v1/org/units", nil, body)
end

-- remember the first refusal, so a broken run says why
function response(status, headers, body)
  if status < 200 or status >= 300 then
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local total = 0
  local sample = ""
  for _, t in ipairs(threads) do
    total = total + (t:get("bad") or 0)
    local s = t:get("first_bad")
    if sample == "" and s and s ~= "" then sample = s end
  end
  io.write(string.format("write.lua: non-2xx answers: %d\n", total))
  if sample ~= "" then io.write("write.lua: first non-2xx: " .. sample .. "\n") end
end

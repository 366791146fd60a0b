-- wrk script: the ticket page's reads. Each request is GET /api/v1/tickets/{id} with an id
-- drawn from [lo, hi]; with "page" as the third argument every other request is
-- GET /api/v1/ticket-root-causes (what the ticket page loads next to the ticket).
-- Usage: wrk ... -s bench/tickets/get.lua <base-url> -- <lo> <hi> [page]

local threads = {}
local next_thread = 1
function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

lo, hi, page, n, bad, first_bad = 1, 1, false, 0, 0, ""

function init(args)
  lo = tonumber(args[1] or "1")
  hi = tonumber(args[2] or tostring(lo))
  page = args[3] == "page"
  math.randomseed(os.time() * 31 + (tid or 0))
end

function request()
  n = n + 1
  if page and n % 2 == 0 then return wrk.format("GET", "/api/v1/ticket-root-causes") end
  return wrk.format("GET", "/api/v1/tickets/" .. math.random(lo, hi))
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local total, sample = 0, ""
  for _, t in ipairs(threads) do
    total = total + (t:get("bad") or 0)
    local s = t:get("first_bad")
    if sample == "" and s and s ~= "" then sample = s end
  end
  io.write(string.format("get.lua: non-200 answers: %d\n", total))
  if sample ~= "" then io.write("get.lua: first non-200: " .. sample .. "\n") end
end

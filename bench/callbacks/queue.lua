-- wrk script: GET /api/v1/callbacks (an agent's own queue, 50 per page) with the agents'
-- API tokens, one token per agent. wrk has no per-connection hook, so each thread takes its
-- own share of the tokens (thread 1 the odd lines, thread 2 the even ones, ...) and sends
-- them round robin: at -c200 -t2 each thread's 100 connections carry its 100 agents, so the
-- requests in flight belong to 200 different agents, as with 200 agents working at once.
-- Usage: wrk ... -s bench/callbacks/queue.lua <base-url> -- <tokens-file> [threads] [pace-ms]
-- With pace-ms, each connection waits a random 0.5–1.5 × pace-ms before each request: agents
-- who look at their queue about once per pace-ms (an open load whose latency is measured),
-- instead of connections that ask again the instant an answer arrives (a closed loop that
-- measures the server's capacity, where the latency is just connections ÷ throughput).

local threads = {}
local next_thread = 1
function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

reqs, n, bad, first_bad = {}, 0, 0, ""

function init(args)
  local nthreads = tonumber(args[2] or "2")
  pace = tonumber(args[3] or "0")
  math.randomseed(tid * 7919)
  local i = 0
  for line in io.lines(args[1]) do
    if line ~= "" then
      if i % nthreads == (tid - 1) % nthreads then
        table.insert(reqs, wrk.format("GET", "/api/v1/callbacks",
                                      {["Authorization"] = "Bearer " .. line}))
      end
      i = i + 1
    end
  end
  if #reqs == 0 then error("queue.lua: no tokens for thread " .. tid .. " in " .. args[1]) end
end

function delay()
  if pace > 0 then return math.random(math.floor(pace / 2), pace + math.floor(pace / 2)) end
  return 0
end

function request()
  n = n % #reqs + 1
  return reqs[n]
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
  io.write(string.format("queue.lua: non-200 answers: %d\n", total))
  if sample ~= "" then io.write("queue.lua: first non-200: " .. sample .. "\n") end
end

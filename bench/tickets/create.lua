-- wrk script: POST /api/v1/tickets with a varied subject, contact and unit per request.
-- Usage: wrk ... -s bench/tickets/create.lua <base-url> -- <unit_id>[,<unit_id>...]
-- Authorization comes from wrk's -H (wrk.headers); Content-Type is added here.

local threads = {}
local next_thread = 1
function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

counter = 0
units = {}
bad = 0
first_bad = ""
local what = {"空调", "冰箱", "车辆", "电梯", "热水器", "门店", "宽带", "账户", "物业", "快递"}
local issue = {"漏水", "异响", "服务态度差", "维修不及时", "退款未到账", "收费不合理",
               "发票错误", "配件缺货", "延迟交付", "噪音扰民", "无法开机", "客服无人接听"}
local names = {"张三", "李四", "王芳", "刘伟", "陈静", "杨洋", "赵敏", "黄磊"}
local kinds = {"complaint", "complaint", "complaint", "repair", "after_sales", "inquiry", "suggestion"}
local channels = {"hotline", "store_desk", "web_form", "sms", "email"}

function init(args)
  for u in string.gmatch(args[1] or "", "%d+") do table.insert(units, u) end
  wrk.headers["Content-Type"] = "application/json"
end

local function pick(t, n) return t[(n % #t) + 1] end

function request()
  counter = counter + 1
  local n = counter * 7919 + tid * 104729
  local unit = ""
  if #units > 0 then unit = string.format(',"unit_id":%s', pick(units, n)) end
  local body = string.format(
    '{"kind":"%s","channel":"%s","subject":"%s%s（压测 t%d-%d）","contact_name":"%s"%s}',
    pick(kinds, n), pick(channels, n), pick(what, n), pick(issue, math.floor(n / 7)), tid,
    counter, pick(names, n), unit)
  return wrk.format("POST", "/api/v1/tickets", nil, body)
end

function response(status, headers, body)
  if status ~= 201 then
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
  io.write(string.format("create.lua: non-201 answers: %d\n", total))
  if sample ~= "" then io.write("create.lua: first non-201: " .. sample .. "\n") end
end

-- wrk script: POST /v1/ask, rotating three questions (see README, Measured).
local qs = {"警地融合是怎么运作的?", "各地社区民警占派出所警力多少?", "浦江信访工作有什么做法?"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/v1/ask", {["Content-Type"]="application/json"}, '{"question":"' .. qs[(i % #qs) + 1] .. '"}')
end

-- wrk script: GET /v1/search, rotating three questions (see README, Measured).
local qs = {"%E8%AD%A6%E5%9C%B0%E8%9E%8D%E5%90%88", "%E7%89%87%E8%AD%A6%E5%8D%A0%E6%AF%94", "%E4%BF%A1%E8%AE%BF%E6%80%8E%E4%B9%88%E5%81%9A"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/v1/search?q=" .. qs[(i % #qs) + 1] .. "&k=5")
end

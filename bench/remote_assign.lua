-- wrk script for POST /v1/assign (docs/performance.md, "Config delivery"). BATCH=N in the
-- environment sends batches of N entities; otherwise one entity per request. Entity IDs change
-- with every request, so nothing is cached anywhere.
local batch = tonumber(os.getenv("BATCH") or "1")
local counter = 0

request = function()
  counter = counter + 1
  local body
  if batch <= 1 then
    body = string.format('{"entity_id": "user-%d"}', counter)
  else
    local items = {}
    for i = 1, batch do items[i] = string.format('{"entity_id": "user-%d-%d"}', counter, i) end
    body = '{"requests": [' .. table.concat(items, ",") .. ']}'
  end
  return wrk.format("POST", "/v1/assign", {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status ~= 200 then error("status " .. status .. ": " .. body) end
end

done = function(summary, latency, requests)
  io.write(string.format("requests/s %.0f, entities/s %.0f, p50 %.0f us, p99 %.0f us, errors %d\n",
    summary.requests / (summary.duration / 1e6), batch * summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

-- wrk script: HTTP request-response against the embedded default's demo-echo service, 128-byte body.
--   wrk -t1 -c64 -d10s --latency -s bench/http-rpc.lua http://127.0.0.1:8080/exchanges/demo-echo/requests
wrk.method = "POST"
wrk.body = string.rep("x", 128)
wrk.headers["Messaging-Tag"] = "bench"

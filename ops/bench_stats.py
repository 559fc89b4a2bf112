"""The statistics API on a portfolio with ten million views over a year: the daily aggregates
the worker would have made of them (the API reads nothing else), then 200 requests for the
12-month report. Run by ops/bench with the product started; prints one JSON object.

argv: base URL, email, password, database URL
"""

import http.cookiejar
import json
import statistics
import subprocess
import sys
import time
import urllib.request

base, email, password, database = sys.argv[1:5]
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def call(method, path, body=None):
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(), method=method)
    request.add_header("Origin", base)
    request.add_header("Content-Type", "application/json")
    with opener.open(request) as response:
        return json.loads(response.read())


call("POST", "/api/v1/auth/login", {"email": email, "password": password})
workspace = call("GET", "/api/v1/workspaces")[0]
portfolio = next(item for item in call("GET", f"/api/v1/workspaces/{workspace['id']}/portfolios")
                 if item["slug"] == "developer")

# 10 000 000 views over 365 days, with 40 countries, 30 referrers and 3 devices a day.
subprocess.run(["psql", database, "-qtAX", "-v", "ON_ERROR_STOP=1", "-c", f"""
    INSERT INTO stats_daily (portfolio_id, workspace_id, day, views, uniques)
    SELECT '{portfolio['id']}', '{workspace['id']}', current_date - d, 27397, 11000 FROM generate_series(0, 364) d
    ON CONFLICT (portfolio_id, day) DO UPDATE SET views = excluded.views, uniques = excluded.uniques;
    INSERT INTO stats_daily_breakdown (portfolio_id, workspace_id, day, dimension, value, views)
    SELECT '{portfolio['id']}', '{workspace['id']}', current_date - d, dimension, value, 27397 / n
    FROM generate_series(0, 364) d,
         LATERAL (SELECT 'country', chr(65 + c / 26 % 26) || chr(65 + c % 26), 40 FROM generate_series(0, 39) c
                  UNION ALL SELECT 'referrer', 'site' || r || '.example', 30 FROM generate_series(1, 30) r
                  UNION ALL SELECT 'device', unnest(ARRAY['desktop', 'tablet', 'phone']), 3) AS v (dimension, value, n)
    ON CONFLICT DO NOTHING;
"""], check=True)
total = call("GET", f"/api/v1/portfolios/{portfolio['id']}/stats?from={time.strftime('%Y-%m-%d', time.gmtime(time.time() - 364 * 86400))}")
assert total["totals"]["views"] >= 9_900_000, total["totals"]

path = f"/api/v1/portfolios/{portfolio['id']}/stats?from={time.strftime('%Y-%m-%d', time.gmtime(time.time() - 364 * 86400))}"
timings = []
for _ in range(200):
    started = time.perf_counter()
    call("GET", path)
    timings.append((time.perf_counter() - started) * 1000)
timings.sort()
print(json.dumps({
    "views": total["totals"]["views"],
    "median_ms": statistics.median(timings),
    "p95_ms": timings[int(len(timings) * 0.95) - 1],
}))

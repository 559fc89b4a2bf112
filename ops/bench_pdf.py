"""PDF exports through the API and the worker, against one `weasyprint` command-line process
per PDF on the same page, with as many processes at once as the worker keeps WeasyPrint
processes. Run by ops/bench with the product started; prints one JSON object.

argv: base URL, email, password, database URL, weasyprint CLI, work folder, exports, processes
"""

import http.cookiejar
import json
import pathlib
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

base, email, password, database, cli, work, count, processes = sys.argv[1:9]
count, processes = int(count), int(processes)
work = pathlib.Path(work)
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def call(method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Origin", base)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with opener.open(request) as response:
        payload = response.read()
    return json.loads(payload) if payload.startswith((b"{", b"[")) else payload


def export(portfolio):
    return call("POST", f"/api/v1/portfolios/{portfolio}/exports/pdf", {"page_size": "A4"})["id"]


def wait(jobs):
    pending, done = set(jobs), {}
    while pending:
        for job in list(pending):
            answer = call("GET", f"/api/v1/jobs/{job}")
            if answer["status"] in ("done", "failed"):
                if answer["status"] == "failed":
                    sys.exit(f"an export failed: {answer.get('error')}")
                done[job] = answer
                pending.discard(job)
        time.sleep(0.05)
    return done


call("POST", "/api/v1/auth/login", {"email": email, "password": password})
workspace = call("GET", "/api/v1/workspaces")[0]
portfolios = call("GET", f"/api/v1/workspaces/{workspace['id']}/portfolios")
# The design whose sample content fills two A4 pages.
portfolio = next(item for item in portfolios if item["slug"] == "minimal")

wait([export(portfolio["id"]) for _ in range(processes)])  # warm: every process has rendered once
started = time.monotonic()
jobs = [export(portfolio["id"]) for _ in range(count)]
finished = wait(jobs)
worker_elapsed = time.monotonic() - started
pages = {job["pages"] for job in finished.values()}
ids = ",".join(f"'{job}'" for job in jobs)
service = subprocess.run(
    ["psql", database, "-qtAX", "-c",
     f"SELECT extract(epoch FROM finished_at - started_at) FROM jobs WHERE id IN ({ids})"],
    check=True, capture_output=True, text=True,
).stdout.split()
worker_seconds = statistics.median(float(value) for value in service)

# The same page for the command line: the public page's HTML (the same renderer and print
# CSS), its fonts as local files.
page = work / "pdf-input"
(page / "fonts").mkdir(parents=True, exist_ok=True)
host = f"{workspace['handle']}.localhost"
html = call("GET", f"/{portfolio['slug']}", headers={"Host": host}).decode()
for font in set(re.findall(r"/assets/fonts/([\w.-]+\.woff2)", html)):
    (page / "fonts" / font).write_bytes(call("GET", f"/assets/fonts/{font}"))
html = html.replace("/assets/fonts/", (page / "fonts").as_uri() + "/")
(page / "index.html").write_text(html)


def one_cli(index):
    begun = time.monotonic()
    subprocess.run([cli, str(page / "index.html"), str(page / f"out-{index}.pdf")], check=True,
                   stderr=subprocess.DEVNULL)
    return time.monotonic() - begun


one_cli("warm")
started = time.monotonic()
with ThreadPoolExecutor(processes) as pool:
    cli_times = list(pool.map(one_cli, range(count)))
cli_elapsed = time.monotonic() - started
cli_pages = subprocess.run(["pdfinfo", str(page / "out-0.pdf")], capture_output=True, text=True).stdout
cli_pages = int(re.search(r"Pages:\s+(\d+)", cli_pages).group(1)) if cli_pages else None

print(json.dumps({
    "exports": count,
    "processes": processes,
    "pages": sorted(pages),
    "cli_pages": cli_pages,
    "worker_per_minute": count / worker_elapsed * 60,
    "worker_median_s": worker_seconds,
    "cli_per_minute": count / cli_elapsed * 60,
    "cli_median_s": statistics.median(cli_times),
}))

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


# One psql session for every query: a process per poll would take CPU from what is measured.
session = subprocess.Popen(["psql", database, "-qtAX", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)


def psql(query):
    """The rows of `query`, one line each; the session marks the end of the answer."""
    session.stdin.write(f"{query};\nSELECT 'end-of-answer';\n")
    session.stdin.flush()
    lines = []
    while (line := session.stdout.readline().rstrip("\n")) != "end-of-answer":
        lines.append(line)
    return "\n".join(lines)


def wait(jobs):
    # Asked of the database, so the polling adds no load to the platform being measured.
    ids = ",".join(f"'{job}'" for job in jobs)
    while int(psql(f"SELECT count(*) FROM jobs WHERE id IN ({ids}) AND status IN ('done', 'failed')")) < len(jobs):
        time.sleep(0.02)


def results(jobs):
    answers = {job: call("GET", f"/api/v1/jobs/{job}") for job in jobs}
    failed = [answer.get("error") for answer in answers.values() if answer["status"] == "failed"]
    if failed:
        sys.exit(f"an export failed: {failed[0]}")
    return answers


call("POST", "/api/v1/auth/login", {"email": email, "password": password})
workspace = call("GET", "/api/v1/workspaces")[0]
portfolios = call("GET", f"/api/v1/workspaces/{workspace['id']}/portfolios")
# The design whose sample content fills two A4 pages.
portfolio = next(item for item in portfolios if item["slug"] == "minimal")

warm = [export(portfolio["id"]) for _ in range(processes)]  # every process renders once first
wait(warm)
results(warm)
started = time.monotonic()
jobs = [export(portfolio["id"]) for _ in range(count)]
wait(jobs)
worker_elapsed = time.monotonic() - started
finished = results(jobs)
pages = {job["pages"] for job in finished.values()}
ids = ",".join(f"'{job}'" for job in jobs)
service = psql(f"SELECT extract(epoch FROM finished_at - started_at) FROM jobs WHERE id IN ({ids})").split()
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

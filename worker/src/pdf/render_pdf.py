"""Renders PDFs with WeasyPrint for the Vitrine worker, which keeps a few of these processes
running: importing WeasyPrint costs more than rendering a page.

One request per line on stdin, JSON: {"html": path, "pdf": path, "roots": [folder, ...]}.
One answer per line on stdout: {"ok": true, "pages": n, "refused": [url, ...]} or
{"ok": false, "error": "..."}. The first line says the process is ready: {"ready": version}.

Only files under a request's roots and data: URLs are read. Every other URL (http, https,
ftp, file outside the roots, whatever a redirect would lead to) is refused before any
connection or open, so a document cannot make the renderer reach the network or read the
machine's files.

argv[1]: the address-space limit in bytes (0 for none).
"""

import gc
import io
import json
import logging
import mimetypes
import os
import resource
import sys
import urllib.parse


def main():
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    answers = sys.stdout
    # Only answers go to the protocol channel; anything a library prints goes to the log.
    sys.stdout = sys.stderr
    # Refused fetches are reported in the answer; the log would only repeat them.
    logging.basicConfig(stream=sys.stderr, level=logging.CRITICAL, format="weasyprint: %(message)s")

    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from fontTools.ttLib import TTFont

    # WOFF2 fonts decompressed once per process: decompressing took most of a render.
    sfnt_fonts = {}

    def sfnt(path):
        if path not in sfnt_fonts:
            font = TTFont(path)
            font.flavor = None
            out = io.BytesIO()
            font.save(out)
            sfnt_fonts[path] = out.getvalue()
        return sfnt_fonts[path]

    class LocalFiles(URLFetcher):
        def __init__(self, roots):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)
            self.roots = [os.path.realpath(root) + os.sep for root in roots]
            self.refused = []

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                parsed = urllib.parse.urlsplit(url)
                path = os.path.realpath(urllib.parse.unquote(parsed.path))
                if parsed.netloc in ("", "localhost") and self.allows(path) and os.path.isfile(path):
                    if path.endswith(".woff2"):
                        return URLFetcherResponse(url, sfnt(path), {"Content-Type": "font/ttf"})
                    with open(path, "rb") as file:
                        body = file.read()
                    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body, {"Content-Type": content_type})
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url}")

        def allows(self, path):
            return any(path.startswith(root) for root in self.roots)

    def answer(message):
        answers.write(json.dumps(message) + "\n")
        answers.flush()

    answer({"ready": weasyprint.__version__})
    # What was imported stays: the collector need not walk it again. During a render it does
    # not run at all; it runs once the answer is sent, while the worker stores the PDF.
    gc.freeze()
    for line in sys.stdin:
        gc.disable()
        try:
            request = json.loads(line)
            fetcher = LocalFiles(request["roots"])
            document = weasyprint.HTML(filename=request["html"], url_fetcher=fetcher).render()
            document.write_pdf(request["pdf"])
            answer({"ok": True, "pages": len(document.pages), "refused": fetcher.refused})
        except MemoryError:
            answer({"ok": False, "error": "the document needs more memory than a PDF may use"})
            # What is left of this process after running out of memory is not worth keeping.
            sys.exit(1)
        except Exception as error:
            answer({"ok": False, "error": f"{type(error).__name__}: {error}"})
        gc.enable()
        gc.collect()


if __name__ == "__main__":
    main()

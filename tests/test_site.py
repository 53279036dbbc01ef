"""The course website, built as a maintainer builds it and read in a real browser.

The module builds the site once (``tools/build_site.py``: Sphinx with warnings as errors, the
notebooks never executed) into a temporary folder, serves it on 127.0.0.1 from a thread of this
process, and drives the system's headless Chromium (Debian package ``chromium``) with
Playwright over the DevTools protocol, as tests/test_browser.py does. The tests check that

* the build succeeds and has a page for every chapter and exercise sheet;
* every chapter opens with no console error, its formulas are typeset by the MathJax served from
  the site itself (no network), and its figures load;
* every internal link, image, script and stylesheet of every page resolves (fragments included);
* the search page finds a term of chapter 3, and the explorers carry their note.

Run alone: ``python -m pytest tests/test_site.py -q -o addopts="" -p no:cacheprovider``
"""

import functools
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

CHAPTERS = sorted(p.stem for p in (REPO / "chapters").glob("*.ipynb"))
EXERCISES = sorted(p.stem for p in (REPO / "exercises").glob("*.ipynb"))
SEARCH_TERM = "proofs"  # a word of chapter 3 ("BP1-BP4 with proofs") that no other chapter uses
SEARCH_PAGE = "chapters/03_backpropagation.html"

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-gpu",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
    "--disable-dev-shm-usage", "--window-size=1280,900",
]

pytestmark = pytest.mark.timeout(600)


def find_chromium():
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Fixtures: the built site, a server for it, the browser
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site with warnings as errors into a temporary folder; return its html folder."""
    try:
        import myst_nb  # noqa: F401 - only to know whether the site's tools are installed
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI is set but myst-nb is not installed: it is in requirements-dev.txt")
        pytest.skip("myst-nb is not installed (pip install -r requirements-dev.txt)")
    import build_site

    out = tmp_path_factory.mktemp("site") / "site"
    command = [sys.executable, str(REPO / "tools" / "build_site.py"), "--out", str(out)]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, ("the website did not build with warnings as errors:\n"
                                    + (result.stdout + result.stderr)[-5000:])
    html = out / "html"
    assert (html / "index.html").is_file()
    assert build_site.DEFAULT_OUT != out  # the maintainer's own build folder is left alone
    return html


@pytest.fixture(scope="module")
def server(site):
    """An HTTP server for the built site on 127.0.0.1, in a thread of this process."""
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    path = find_chromium()
    if path is None and os.environ.get("CI"):
        pytest.fail("CI is set but no Chromium was found: .ci/run should have installed it with apt-get.")
    if path is None:
        pytest.skip("no Chromium found at /usr/bin/chromium; install Debian's package: apt-get install chromium")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -r requirements-dev.txt)")
    from playwright.sync_api import sync_playwright

    port = free_port()
    profile = tmp_path_factory.mktemp("chromium-profile")
    chrome = subprocess.Popen([path, *CHROMIUM_FLAGS, f"--remote-debugging-port={port}", f"--user-data-dir={profile}",
                               "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    playwright = None
    try:
        deadline = time.monotonic() + 30
        while True:
            if chrome.poll() is not None:
                raise RuntimeError(f"Chromium exited with code {chrome.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError("Chromium's DevTools endpoint did not answer within 30 s") from None
                time.sleep(0.2)
        playwright = sync_playwright().start()
        yield playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
    finally:
        if playwright is not None:
            try:
                playwright.stop()
            except Exception:  # noqa: BLE001 - the browser is stopped below in any case
                pass
        for sig in (signal.SIGTERM, signal.SIGKILL):  # the process group led by the Chromium started here
            if chrome.poll() is None:
                try:
                    os.killpg(chrome.pid, sig)
                    chrome.wait(10)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    pass


def open_page(browser, url):
    """Open ``url``; return the page and the list its console errors and failed requests go to."""
    context = browser.contexts[0] if browser.contexts else browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors = []
    page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda err: errors.append(f"uncaught exception: {err}"))
    page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url} ({req.failure})"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    return page, errors


# ---------------------------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------------------------


def test_build_has_every_page(site):
    missing = [rel for rel in [f"chapters/{c}.html" for c in CHAPTERS] + [f"exercises/{e}.html" for e in EXERCISES]
               + ["exercises/README.html", "benchmarks/README.html", "nnlib/datasets/README.html",
                  "search.html", "_static/mathjax/tex-chtml.js"]
               if not (site / rel).is_file()]
    assert not missing, f"pages missing from the built site: {missing}"


def test_navigation_lists_the_chapters_in_order(site):
    nav = (site / "index.html").read_text(encoding="utf-8")
    positions = [nav.find(f'href="chapters/{c}.html"') for c in CHAPTERS]
    assert -1 not in positions, f"chapters missing from the navigation: {[c for c, p in zip(CHAPTERS, positions) if p < 0]}"
    assert positions == sorted(positions), "the navigation does not list the chapters in their order"


def test_no_page_loads_anything_from_another_host(site):
    """MathJax, fonts and scripts come from the site itself: the pages work with no network."""
    remote = re.compile(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="(?:https?:)?//[^"]+"')
    offenders = {str(p.relative_to(site)): remote.findall(p.read_text(encoding="utf-8"))[:2]
                 for p in _pages(site) if remote.search(p.read_text(encoding="utf-8"))}
    assert not offenders, f"pages that load resources from the network: {offenders}"


# ---------------------------------------------------------------------------------------------
# Every internal link resolves (checked on the files, for every page)
# ---------------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key) and tag in ("a", "img", "script", "link", "iframe", "source"):
                self.links.append((tag, attrs[key]))


@functools.cache
def _parse(path):
    parser = _Links()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser


def _pages(site):
    """The site's pages (not the theme's template fragments under _static/)."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] not in ("_static", "_sources"))


def test_every_internal_link_resolves(site):
    broken = []
    pages = _pages(site)
    for page in pages:
        for tag, link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:", "data:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: <{tag}> {link} (no such file)")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _parse(target).ids:
                broken.append(f"{page.relative_to(site)}: <{tag}> {link} (no id {parts.fragment!r} there)")
    assert len(pages) > len(CHAPTERS) + len(EXERCISES)
    assert not broken, f"{len(broken)} broken internal links, e.g.:\n" + "\n".join(broken[:20])


# ---------------------------------------------------------------------------------------------
# In the browser
# ---------------------------------------------------------------------------------------------

# MathJax 3 has typeset the page when its startup promise resolves; then no TeX source is left.
MATH_DONE_JS = """async () => {
    if (!window.MathJax || !MathJax.startup) return {ready: false};
    await MathJax.startup.promise;
    const raw = [...document.querySelectorAll('article span.math, article div.math')]
        .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60));
    return {ready: true, typeset: document.querySelectorAll('article mjx-container').length, raw: raw.slice(0, 5)};
}"""

IMAGES_JS = """() => [...document.querySelectorAll('article img')].map(img =>
    ({src: img.getAttribute('src'), complete: img.complete, width: img.naturalWidth}))"""


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_renders(browser, server, chapter):
    page, errors = open_page(browser, f"{server}/chapters/{chapter}.html")
    try:
        page.wait_for_function("() => window.MathJax && window.MathJax.startup && window.MathJax.startup.promise")
        math = page.evaluate(MATH_DONE_JS)
        assert math["ready"] and math["typeset"] > 0, f"{chapter}: MathJax typeset no formula ({math})"
        assert not math["raw"], f"{chapter}: formulas left as TeX source: {math['raw']}"
        page.wait_for_function("() => [...document.querySelectorAll('article img')].every(i => i.complete)")
        images = page.evaluate(IMAGES_JS)
        assert images, f"{chapter}: no figure on the page"
        not_loaded = [i["src"] for i in images if i["width"] == 0]
        assert not not_loaded, f"{chapter}: figures that did not load: {not_loaded}"
        assert not errors, f"{chapter}: console errors or failed requests: {errors}"
    finally:
        page.close()


def test_search_finds_a_term_of_chapter_3(browser, server):
    page, errors = open_page(browser, f"{server}/search.html?q={SEARCH_TERM}")
    try:
        results = page.locator(f'#search-results a[href*="{SEARCH_PAGE}"]')
        results.first.wait_for(state="attached", timeout=30_000)
        assert results.count() >= 1
        assert not errors, f"search page: console errors or failed requests: {errors}"
    finally:
        page.close()


def test_explorers_carry_their_note(site):
    explorers = {c: re.findall(r"explorers\.(\w+_explorer)\(", (REPO / "chapters" / f"{c}.ipynb").read_text())
                 for c in CHAPTERS}
    explorers = {c: names for c, names in explorers.items() if names}
    assert explorers, "no chapter calls an explorer: update this test"
    for chapter, names in explorers.items():
        text = (site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        for name in set(names):
            assert f"nnlib.explorers.{name}" in text and "It is live when you run this chapter" in text, \
                f"{chapter}: no note for {name}"


def test_exercise_pages_link_to_their_notebook(site):
    for sheet in EXERCISES:
        text = re.sub(r"<[^>]+>", "", (site / "exercises" / f"{sheet}.html").read_text(encoding="utf-8"))
        links = [link for tag, link in _parse(site / "exercises" / f"{sheet}.html").links
                 if tag == "a" and link.endswith(f"/{sheet}.ipynb")]
        assert links, f"{sheet}: no download link to {sheet}.ipynb"
        assert f"python -m nnlib.grade exercises/{sheet}.ipynb" in text
        assert (site / "exercises" / unquote(links[0])).resolve().is_file()

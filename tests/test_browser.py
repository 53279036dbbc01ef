"""The explorers and the chapters, tried the way a learner uses them: JupyterLab in a real browser.

One JupyterLab server (127.0.0.1, a random free port, a token) started at the course root, as the
README tells a learner to (``jupyter lab`` in the course folder), so that every relative link
works; and one headless Chromium (the system's, Debian package ``chromium``; Playwright's own
browser download is never used) serve all tests of this module. Playwright drives Chromium over
the DevTools protocol. The tests

* open chapters 4, 5 and 6, run the explorer's cell (chapter 4: all cells), move the explorer's
  slider with the keyboard and check that the figure changed and is the one of the slider's
  final value (the PNG names its setting), after one step and after three quick steps. They
  print, per explorer, the time from the key press to the new image shown (reported, never
  asserted);
* open a chapter and an exercise notebook and check that they render without error outputs and
  with their LaTeX typeset by MathJax;
* follow a chapter's link to its exercise sheet (``../exercises/...``) and check that it opens.

Nothing is saved: autosave is off, and the notebooks are checked to be unchanged at the end.
Both processes are started here with ``start_new_session=True`` and always stopped by process id
(process group, then the kernels the server started), even when a test fails. A failing test
saves a screenshot in a temporary folder and prints its path. Without Chromium or Playwright the
tests skip and say why (with CI set, a missing Chromium fails).

Run alone: ``python -m pytest tests/test_browser.py -q -o addopts="" -p no:cacheprovider -s``
"""

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LATEX_CHAPTER = "chapters/02_softmax_cross_entropy.ipynb"
EXERCISE_CANDIDATES = ["exercises/ex02_softmax.ipynb", "exercises/ex01_forward.ipynb", "exercises/ex03_backprop.ipynb"]
LINK_CHAPTER, LINKED_EXERCISE = "chapters/01_forward_propagation.ipynb", "exercises/ex01_forward.ipynb"

# explorer -> (its chapter, the code of its cell, run all cells first?, where the summary line (and
# the figure's Description) gives the value of the moved slider, which is the explorer's first one)
EXPLORERS = {
    "learning rate": ("chapters/04_training.ipynb", "nnlib.explorers.learning_rate_explorer()", True,
                      r"\blr ([0-9.e+-]+),"),
    "initialization": ("chapters/05_initialization.ipynb", "nnlib.explorers.init_explorer()", False,
                       r"^depth (\d+),"),
    "dropout": ("chapters/06_regularization_dropout.ipynb", "nnlib.explorers.dropout_explorer()", False,
                r"^p = ([0-9.]+):"),
}

SERVER_START_TIMEOUT = 90  # seconds; every wait below is on a condition, these are upper bounds
RUN_ALL_TIMEOUT = 240
CALLBACK_TIMEOUT = 30

pytestmark = pytest.mark.timeout(600)

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-gpu",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
    "--disable-dev-shm-usage", "--window-size=1400,1000",
]


def find_chromium():
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout, what, interval=0.2):
    """Poll ``condition()`` until it returns a true value; fail with ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def http_get(url, headers=None, timeout=5):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


def child_pids(pid):
    """Direct children of ``pid`` (read from /proc; empty where there is no /proc)."""
    children = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:  # fields[0] is the state, fields[1] the parent pid
            children.append(int(entry.name))
    return children


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead but still listed
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def kill_group(proc, grace=10):
    """SIGTERM the process group led by ``proc`` (started with start_new_session=True), then SIGKILL."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # whatever is left in the group
    except ProcessLookupError:
        pass
    proc.wait(10)


def kill_pids(pids, grace=5):
    """SIGTERM, then SIGKILL, each pid and the process group it leads (kernels lead their own)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            if alive(pid):
                for kill in (os.killpg, os.kill):
                    try:
                        kill(pid, sig)
                    except (ProcessLookupError, PermissionError):
                        pass
        if sig == signal.SIGTERM:
            try:
                wait_for(lambda: not any(alive(p) for p in pids), grace, "processes to exit")
            except TimeoutError:
                pass
    return [p for p in pids if alive(p)]


# ---------------------------------------------------------------------------------------------
# Fixtures: skip reasons, the server, the browser
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium_path():
    path = find_chromium()
    if path is None and os.environ.get("CI"):
        # .ci/run installs Chromium; in CI a missing browser is a broken set-up, not a reason to skip.
        pytest.fail("CI is set but no Chromium was found: .ci/run should have installed it with apt-get.")
    if path is None:
        pytest.skip("no Chromium found (looked for `chromium` on PATH and /usr/bin/chromium); "
                    "install Debian's package: apt-get install chromium")
    pytest.importorskip("playwright.sync_api", reason="the Python package playwright is not installed "
                                                      "(pip install -r requirements-dev.txt)")
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (pip install -r requirements.txt)")
    return path


@pytest.fixture(scope="module")
def artifacts_dir(tmp_path_factory):
    """Screenshots of failing tests and the server and browser logs go here (pytest keeps the
    temporary folders of the last three runs)."""
    return tmp_path_factory.mktemp("browser-test-artifacts")


def _notebook_snapshot():
    """Every notebook of the course and its bytes: the tests must leave them as they were."""
    return {p: p.read_bytes() for p in sorted(REPO.glob("*/*.ipynb"))}


def _write_lab_settings(settings_dir):
    """User settings for the test server: every cell attached to the page (so off-screen cells
    are rendered and typeset too), no autosave (the server runs on the course folder itself), and
    no news or update checks (nothing goes to the network)."""
    settings = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
    }
    for rel, value in settings.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


@pytest.fixture(scope="module")
def lab(chromium_path, tmp_path_factory, artifacts_dir):
    """A JupyterLab server at the course root; yields dict(url, token, exercise). Stopped by pid
    at the end, after checking that no notebook was changed."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root = REPO  # where the README starts Jupyter: links from chapters to ../exercises/ resolve
    exercise = next((p for p in EXERCISE_CANDIDATES if (REPO / p).exists()), None)
    notebooks_before = _notebook_snapshot()
    checkpoints_before = {p for p in REPO.rglob(".ipynb_checkpoints") if ".git" not in p.parts}
    settings_dir = base / "settings"
    _write_lab_settings(settings_dir)
    port, token = free_port(), uuid.uuid4().hex
    # Fresh Jupyter directories: no user configuration, no trusted-notebook database, and the kernel
    # "python3" is this interpreter's own ipykernel (the one with nnlib installed).
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(base / "config"), JUPYTER_DATA_DIR=str(base / "data"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(settings_dir), JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
               IPYTHONDIR=str(base / "ipython"), PYTHONUNBUFFERED="1")
    env.pop("MPLBACKEND", None)  # the kernel must use its default (inline) backend
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log_path = artifacts_dir / "jupyterlab.log"
    log = open(log_path, "wb")
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    kernels = set()
    try:
        def ready():
            if server.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {server.returncode}; log: {log_path}\n"
                                   + log_path.read_text(errors="replace")[-3000:])
            try:
                return http_get(f"{url}/api/status?token={token}")[0] == 200
            except OSError:
                return False

        wait_for(ready, SERVER_START_TIMEOUT, f"JupyterLab to answer on {url} (log: {log_path})")
        yield {"url": url, "token": token, "exercise": exercise}
    finally:
        # Kernels are the server's children but lead their own sessions: note their pids first,
        # ask the server to shut everything down, then make sure by pid.
        kernels.update(child_pids(server.pid))
        try:
            request = urllib.request.Request(f"{url}/api/shutdown", method="POST",
                                             headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(request, timeout=5).close()
            server.wait(15)
        except (OSError, subprocess.TimeoutExpired):
            pass
        kill_group(server)
        survivors = kill_pids(sorted(kernels))
        log.close()
        for folder in {p for p in REPO.rglob(".ipynb_checkpoints") if ".git" not in p.parts} - checkpoints_before:
            shutil.rmtree(folder, ignore_errors=True)  # made by the server for the notebooks it opened
        assert not survivors, f"processes started by JupyterLab still alive after SIGKILL: {survivors}"
        changed = [str(p.relative_to(REPO)) for p, data in _notebook_snapshot().items()
                   if notebooks_before.get(p) != data]
        assert not changed, f"the browser tests changed notebooks of the course: {changed}"


@pytest.fixture(scope="module")
def browser(chromium_path, tmp_path_factory, artifacts_dir):
    """Headless Chromium started here (so that we own its pid), driven by Playwright over CDP."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    profile = tmp_path_factory.mktemp("chromium-profile")
    log = open(artifacts_dir / "chromium.log", "wb")
    chrome = subprocess.Popen([chromium_path, *CHROMIUM_FLAGS, f"--remote-debugging-port={port}",
                               f"--user-data-dir={profile}", "about:blank"],
                              stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              start_new_session=True)
    playwright = None
    try:
        def ready():
            if chrome.poll() is not None:
                raise RuntimeError(f"Chromium exited with code {chrome.returncode}; "
                                   f"see {artifacts_dir / 'chromium.log'}")
            try:
                return http_get(f"http://127.0.0.1:{port}/json/version")[0] == 200
            except OSError:
                return False

        wait_for(ready, 30, "Chromium's DevTools endpoint")
        playwright = sync_playwright().start()
        cdp = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        yield cdp
    finally:
        if playwright is not None:
            try:
                playwright.stop()  # disconnects and stops Playwright's driver process
            except Exception:  # noqa: BLE001 - the browser is killed below in any case
                pass
        kill_group(chrome)
        log.close()


@contextmanager
def screenshot_on_failure(page, artifacts_dir, name):
    try:
        yield
    except BaseException:
        path = artifacts_dir / f"{name}.png"
        try:
            explorer = page.locator(".nnlib-explorer")
            if explorer.count():  # show the explorer, not just the top of the notebook
                explorer.first.scroll_into_view_if_needed(timeout=5000)
            page.screenshot(path=str(path))
            print(f"\nscreenshot of the failing page: {path}")
        except Exception as err:  # noqa: BLE001 - report the original failure, not this one
            print(f"\ncould not save a screenshot: {err}")
        print(f"JupyterLab and Chromium logs: {artifacts_dir}")
        raise


def open_notebook(browser, lab, rel_path):
    page = browser.contexts[0].new_page() if browser.contexts else browser.new_context().new_page()
    page.set_default_timeout(60_000)
    # ?reset: a new, empty workspace, so that the notebooks of earlier tests are not opened again
    page.goto(f"{lab['url']}/lab/tree/{rel_path}?reset&token={lab['token']}")
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(state="attached")
    return page


def wait_js(page, expression, arg, timeout, what):
    """Wait until the JavaScript ``expression(arg)`` is true; fail saying what was awaited."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(expression, arg=arg, timeout=timeout * 1000)
    except PlaywrightTimeout:
        pytest.fail(f"timed out after {timeout} s waiting for {what}", pytrace=False)


def wait_kernel_idle(lab, rel_path, timeout):
    """Wait until the notebook's kernel is connected to the page and idle (asked of the server)."""
    def idle():
        _, body = http_get(f"{lab['url']}/api/sessions", headers={"Authorization": f"token {lab['token']}"})
        kernels = [s["kernel"] for s in json.loads(body) if s.get("path") == rel_path and s.get("kernel")]
        return any(k.get("execution_state") == "idle" and k.get("connections", 0) > 0 for k in kernels)

    wait_for(idle, timeout, f"the kernel of {rel_path} to be connected and idle")


def click_menu(page, menu, item):
    """Click a top menu (e.g. "Run") and then its item labelled exactly ``item``."""
    page.locator(".lm-MenuBar-item", has_text=menu).first.click()
    page.locator(".lm-Menu .lm-Menu-itemLabel").get_by_text(item, exact=True).first.click()


# JavaScript: true once every code cell's prompt shows an execution count ("[ ]:" has not run,
# "[*]:" is running), or as soon as an error output appears (Run All stops there).
ALL_CELLS_RAN_OR_ERROR_JS = """() => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
    const ran = prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
    const error = document.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
    return ran || error !== null;
}"""


def error_outputs(page):
    """Texts of error and stderr outputs, and of widgets that failed to display."""
    return page.evaluate("""() => [...new Set([
        ...document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'),
        ...[...document.querySelectorAll('.jp-OutputArea-output')].filter(
            o => /Error displaying widget|Traceback \\(most recent call last\\)/.test(o.textContent)),
    ])].map(o => o.textContent.slice(0, 300))""")


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------


def run_cell(page, cell, number, timeout):
    """Run one code cell (select it, Ctrl+Enter) and wait for its prompt to show ``[number]``."""
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+Enter")
    prompt = cell.locator(".jp-InputPrompt")
    try:
        wait_for(lambda: prompt.inner_text().strip().startswith(f"[{number}]"), timeout,
                 f"the cell to run (its prompt still says {prompt.inner_text()!r})", interval=0.1)
    except TimeoutError as err:
        pytest.fail(str(err), pytrace=False)


def png_description(src):
    """The Description text chunk of a data:image/png;base64 URL (the explorers write their summary there)."""
    png = base64.b64decode(src.split(",", 1)[1])
    pos = 8
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        if png[pos + 4:pos + 8] == b"tEXt":
            key, _, value = png[pos + 8:pos + 8 + length].partition(b"\0")
            if key == b"Description":
                return value.decode("latin-1")
        pos += 12 + length
    return None


# JavaScript: record, in the page's own clock, every key press and every new figure image of the
# explorer (once the browser has decoded it, i.e. it can be shown).
RECORD_TIMES_JS = """explorer => {
    const log = window.__nnlibExplorerLog = {keys: [], images: [], computing: []};
    document.addEventListener('keydown', () => log.keys.push(performance.now()), true);
    const summary = explorer.querySelector('.nnlib-explorer-summary');
    new MutationObserver(() => {
        if (summary.innerText.startsWith('computing')) log.computing.push(performance.now());
    }).observe(summary, {subtree: true, childList: true, characterData: true});
    const figure = explorer.querySelector('.nnlib-explorer-figure');
    let last = (figure.querySelector('img') || {}).src;
    new MutationObserver(() => {
        const img = figure.querySelector('img');
        if (!img || !img.src || img.src === last) return;
        last = img.src;
        const src = img.src;
        img.decode().catch(() => null).then(() => log.images.push({shown: performance.now(), src}));
    }).observe(figure, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
}"""


def shows_value(description, value_pattern, readout):
    """Does a figure's Description give the slider value ``readout`` (e.g. "0.100" for lr 0.1)?"""
    found = re.search(value_pattern, description or "")
    return found is not None and float(found.group(1)) == float(readout)


def move_slider(page, explorer, presses, value_pattern):
    """Press ArrowRight ``presses`` times on the explorer's first slider, as fast as the keyboard
    goes; wait until the figure shown is the one of the slider's final readout. Returns the
    readout, the ms from the last key press to that image, the ms from the first key press to the
    kernel's first answer ("computing ..."), and the number of images shown meanwhile."""
    page.evaluate("() => { const log = window.__nnlibExplorerLog; log.keys = []; log.images = []; log.computing = []; }")
    src_before = explorer.locator(".nnlib-explorer-figure img").get_attribute("src")
    explorer.locator(".widget-slider .noUi-handle").first.focus()
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
    readout = explorer.locator(".widget-slider .widget-readout").first
    state = {}

    def final_image_shown():
        log = page.evaluate("() => window.__nnlibExplorerLog")
        state.update(log=log, readout=readout.inner_text().strip())
        return log["images"] and shows_value(png_description(log["images"][-1]["src"]), value_pattern,
                                             state["readout"])

    try:
        wait_for(final_image_shown, CALLBACK_TIMEOUT, "the figure of the slider's final value", interval=0.05)
    except TimeoutError:
        shown = [png_description(image["src"]) for image in state["log"]["images"]]
        pytest.fail(f"after {presses} x ArrowRight the slider reads {state['readout']!r}, but the figures "
                    f"shown were {shown}",
                    pytrace=False)
    log = state["log"]
    src_after = log["images"][-1]["src"]
    assert src_after != src_before and src_after.startswith("data:image/png;base64,")
    summary = explorer.locator(".nnlib-explorer-summary")
    wait_for(lambda: summary.inner_text() == png_description(src_after), 10,
             "the summary line to be the one of the figure shown")
    assert len(log["keys"]) == presses, log["keys"]
    answered = log["computing"][0] - log["keys"][0] if log["computing"] else float("nan")
    return state["readout"], log["images"][-1]["shown"] - log["keys"][-1], answered, len(log["images"])


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_explorer_slider_redraws_in_jupyterlab(browser, lab, artifacts_dir, capsys, name):
    """Open the explorer's chapter, run its cell, move its slider with the keyboard: the figure
    changes to the one of the slider's final value, after one step and after three quick ones.
    Prints the time from the key press to the new image shown."""
    chapter, code, run_all, value_pattern = EXPLORERS[name]
    page = open_notebook(browser, lab, chapter)
    with screenshot_on_failure(page, artifacts_dir, f"explorer-{name.replace(' ', '-')}"):
        wait_kernel_idle(lab, chapter, SERVER_START_TIMEOUT)
        # As stored (not yet run, not trusted): the explorer's output falls back to its text form.
        stored = page.locator(".jp-OutputArea-output", has_text="explorer (chapter ")
        stored.first.wait_for(state="visible")
        assert not error_outputs(page), f"error outputs in the stored chapter: {error_outputs(page)}"
        # Clear the stored outputs first: then a prompt with a number means this run executed the cell.
        click_menu(page, "Edit", "Clear Outputs of All Cells")
        page.wait_for_function("() => !document.querySelector('.jp-Notebook .jp-OutputArea-output')")
        cell = page.locator(".jp-CodeCell", has_text=code).first
        if run_all:
            click_menu(page, "Run", "Run All Cells")
            wait_js(page, ALL_CELLS_RAN_OR_ERROR_JS, None, RUN_ALL_TIMEOUT, f"Run All Cells to finish {chapter}")
        else:  # the chapter's first cell imports nnlib; the explorer's cell needs nothing else
            run_cell(page, page.locator(".jp-CodeCell").first, 1, RUN_ALL_TIMEOUT)
            run_cell(page, cell, 2, RUN_ALL_TIMEOUT)
        assert not error_outputs(page), f"error outputs after running {chapter}: {error_outputs(page)}"
        wait_kernel_idle(lab, chapter, RUN_ALL_TIMEOUT)
        explorer = cell.locator(".nnlib-explorer").first
        explorer.wait_for(state="visible")
        image = explorer.locator(".nnlib-explorer-figure img")
        image.wait_for(state="visible")
        readout = explorer.locator(".widget-slider .widget-readout").first.inner_text().strip()
        assert shows_value(png_description(image.get_attribute("src")), value_pattern, readout), readout
        explorer.scroll_into_view_if_needed()
        explorer.evaluate(RECORD_TIMES_JS)

        one_step, ms_one, ms_answer, _ = move_slider(page, explorer, 1, value_pattern)
        assert one_step != readout
        three_steps, ms_three, _, n_images = move_slider(page, explorer, 3, value_pattern)
        assert three_steps != one_step
        assert not error_outputs(page), f"error outputs after moving the slider: {error_outputs(page)}"
        load = f"load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
        with capsys.disabled():
            print(f"\n{name} explorer, key press to new image shown: {readout} -> {one_step}: {ms_one:.0f} ms "
                  f"(the kernel's first answer after {ms_answer:.0f} ms); three quick steps {one_step} -> "
                  f"{three_steps}: {n_images} image(s) shown, the last {ms_three:.0f} ms after the last key "
                  f"press; {load}")
    page.close()


# Rendered markdown that still shows TeX source: "$$", or a TeX command MathJax would have consumed.
RAW_TEX_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-MarkdownOutput')]
    .map(m => (m.innerText.match(/.{0,40}(\\$\\$|\\\\(frac|mathbf|mathrm|sum|partial|begin)\\b).{0,40}/) || [])[0])
    .filter(Boolean)"""


def _typeset_check(browser, lab, rel_path, artifacts_dir):
    """Open a notebook as stored; wait for MathJax; return the number of typeset formulas."""
    page = open_notebook(browser, lab, rel_path)
    with screenshot_on_failure(page, artifacts_dir, Path(rel_path).stem):
        page.locator(".jp-MarkdownOutput").first.wait_for(state="attached")
        # MathJax typesets asynchronously: wait until formulas exist and no TeX source is left.
        typeset = f"""() => document.querySelectorAll('.jp-Notebook mjx-container').length > 0
                             && ({RAW_TEX_JS})().length === 0"""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            page.wait_for_function(typeset, timeout=60_000)
        except PlaywrightTimeout:
            pytest.fail(f"{rel_path}: MathJax did not typeset all LaTeX within 60 s; "
                        f"{page.locator('.jp-Notebook mjx-container').count()} formulas typeset, "
                        f"raw TeX still visible: {page.evaluate(RAW_TEX_JS)[:5]}", pytrace=False)
        n_math = page.locator(".jp-Notebook mjx-container").count()
        assert not error_outputs(page), f"error outputs in {rel_path}: {error_outputs(page)}"
    page.close()
    return n_math


def test_chapter_renders_with_typeset_latex(browser, lab, artifacts_dir):
    assert _typeset_check(browser, lab, LATEX_CHAPTER, artifacts_dir) > 10


def test_exercise_renders_with_typeset_latex(browser, lab, artifacts_dir):
    if lab["exercise"] is None:
        pytest.skip(f"no exercise notebook yet (looked for {EXERCISE_CANDIDATES})")
    assert _typeset_check(browser, lab, lab["exercise"], artifacts_dir) > 0


def test_chapter_links_to_its_exercise(browser, lab, artifacts_dir):
    """A chapter's closing section links to its exercise sheet as ../exercises/...: with Jupyter
    started at the course root, clicking the link opens the sheet as a notebook."""
    page = open_notebook(browser, lab, LINK_CHAPTER)
    with screenshot_on_failure(page, artifacts_dir, "chapter-to-exercise-link"):
        name = Path(LINKED_EXERCISE).name
        link = page.locator(".jp-RenderedMarkdown a", has_text=name).first
        link.scroll_into_view_if_needed()
        link.click()
        tab = page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel", has_text=name)
        try:
            tab.wait_for(state="visible", timeout=30_000)
        except Exception:  # noqa: BLE001 - say what the page shows instead
            dialogs = page.locator(".jp-Dialog").all_inner_texts()
            pytest.fail(f"clicking the link {name!r} in {LINK_CHAPTER} did not open it; dialogs: {dialogs}",
                        pytrace=False)
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        panel.locator(".jp-Cell").first.wait_for(state="attached")
        assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").all_inner_texts()
        wait_kernel_idle(lab, LINKED_EXERCISE, SERVER_START_TIMEOUT)  # its kernel runs: it is open as a notebook
    page.close()

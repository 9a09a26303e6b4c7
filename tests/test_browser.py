"""A person in a real browser: headless Chromium (Debian's ``chromium`` + ``chromium-driver``,
installed by ``project/dev.py test`` when missing) driven by Selenium against a live gunicorn
server running the seeded demo.

The flow is the one the admin documentation promises: log in to the admin, create an endpoint
and enable ``entity_article`` index/retrieve in the operation matrix, open its browsable page
and see rows and its filter form, see a 404 page, change the page-size maximum and see it
applied on the next request (no restart), export the endpoint, and execute one call from the
endpoint's Swagger UI page; then, logged in, execute a write from the ``api`` endpoint's
Swagger UI (the page sends the session's ``X-CSRF-Token``) and find the new row. Each step
saves a screenshot under ``.artifacts/screenshots/`` (the names are printed at the end of the
run).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from tests import live

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / ".artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    database_url = live.live_database_url(tmp_path_factory.mktemp("browser"))
    env = live.server_env(database_url, redis_db=8, DEMO_ADMIN_PASSWORD="admin")
    live.manage(env, "migrate", "--noinput")
    live.manage(env, "seed_demo", "--articles", "30")
    try:
        with live.gunicorn(env) as base:
            yield base
    finally:
        live.drop_live_database(database_url)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail(
            "Chromium and chromedriver are needed: `apt-get install chromium chromium-driver` "
            "(python3 project/dev.py test installs them when run as root)."
        )
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.add_argument("--window-size=1400,1000")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.downloads = downloads
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver, name: str) -> Path:
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def body_text(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def wait_for(predicate, timeout: float = 15.0):
    """``predicate()``'s first truthy value; an element the page re-rendered meanwhile
    (Swagger UI re-renders an operation as it expands) counts as "not yet"."""
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except StaleElementReferenceException:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting in the browser")
        time.sleep(0.2)


def admin_login(driver, site):
    from selenium.webdriver.common.by import By

    driver.get(site + "/admin/login/?next=/admin/")
    driver.find_element(By.NAME, "username").send_keys("admin")
    driver.find_element(By.NAME, "password").send_keys("admin")
    driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait_for(lambda: "Site administration" in driver.title)


def test_admin_endpoint_browsable_page_and_export(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    admin_login(driver, site)
    shot(driver, "01-admin-home")

    # Create an endpoint in the admin with the browsable format and entity_article enabled.
    driver.get(site + "/admin/services_api/endpoint/add/")
    driver.find_element(By.NAME, "name").send_keys("browser")
    driver.find_element(By.NAME, "path").send_keys("browser")
    for value in ("json", "api"):
        box = driver.find_element(By.CSS_SELECTOR, f"input[name=formatters][value={value}]")
        if not box.is_selected():
            box.click()
    Select(driver.find_element(By.NAME, "default_format")).select_by_value("json")
    row = driver.find_element(
        By.XPATH,
        "//tr[contains(@class,'form-row')][.//option[@selected and @value='entity_article']]",
    )
    prefix = row.get_attribute("id")  # resources-N
    for operation in ("index", "retrieve"):
        driver.find_element(
            By.CSS_SELECTOR, f"input[name='{prefix}-operations'][value='{operation}']"
        ).click()
    # The matrix tools are there: per-row all/none/collapse, endpoint-wide buttons.
    assert row.find_element(By.LINK_TEXT, "collapse")
    assert driver.find_element(By.XPATH, "//button[text()='Enable all']")
    shot(driver, "02-endpoint-matrix")
    driver.find_element(By.NAME, "_continue").click()
    wait_for(lambda: "was added successfully" in body_text(driver))
    shot(driver, "03-endpoint-saved")
    change_url = driver.current_url
    assert "/browser/entity_article.json" in body_text(driver)  # the Try it panel

    # The browsable page lists rows.
    driver.get(site + "/browser/entity_article?format=api")
    text = wait_for(lambda: body_text(driver))
    assert "HTTP 200 OK" in text
    assert text.count('"uuid"') >= 2
    # The filter form built from the resource's query vocabulary.
    filters = driver.find_elements(By.XPATH, "//*[self::button or self::a][contains(., 'Filters')]")
    assert filters, "no Filters button on the browsable page"
    filters[0].click()
    modal = driver.find_element(By.ID, "filtersModal")
    wait_for(lambda: modal.is_displayed())
    assert modal.find_elements(By.TAG_NAME, "input") or modal.find_elements(By.TAG_NAME, "select")
    shot(driver, "04b-browsable-filters")
    shot(driver, "04-browsable-index")

    # A missing entity is a browsable 404 page, not a server error.
    driver.get(site + "/browser/entity_article/999999?format=api")
    text = body_text(driver)
    assert "404" in text and "Server Error" not in text
    shot(driver, "05-browsable-404")

    # A smaller page-size maximum applies on the very next request, without a restart.
    driver.get(change_url)
    driver.find_element(By.XPATH, "//details[.//summary[contains(., 'Responses')]]").click()
    for name, value in (("page_size", "2"), ("max_page_size", "2")):
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    driver.find_element(By.NAME, "_continue").click()
    wait_for(lambda: "was changed successfully" in body_text(driver))
    driver.get(site + "/browser/entity_article.json?pagesize=50")
    rows = json.loads(driver.find_element(By.TAG_NAME, "pre").text)
    assert len(rows) == 2
    shot(driver, "06-page-size-applied")

    # Export the endpoint with the admin action: a JSON file lands in the downloads folder.
    driver.get(site + "/admin/services_api/endpoint/")
    driver.find_element(
        By.XPATH, "//tr[.//a[text()='browser']]//input[@name='_selected_action']"
    ).click()
    Select(driver.find_element(By.NAME, "action")).select_by_value("export_json")
    shot(driver, "07-export-action")
    driver.find_element(By.NAME, "index").click()
    exported = wait_for(lambda: list(Path(driver.downloads).glob("browser.json")))
    data = json.loads(exported[0].read_text())
    assert data["name"] == "browser" and data["max_page_size"] == 2
    assert data["resources"]["entity_article"]["operations"] == ["retrieve", "index"]

    # Swagger UI (offline assets) executes one call of the endpoint's OpenAPI description.
    driver.get(site + "/browser/docs")
    block = wait_for(
        lambda: [
            b
            for b in driver.find_elements(By.CSS_SELECTOR, ".opblock-get")
            if "/entity_article" in b.text and "{" not in b.text.split("\n")[1]
        ]
    )[0]
    shot(driver, "08-swagger-ui")
    block.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait_for(lambda: block.find_elements(By.CSS_SELECTOR, ".try-out__btn"))[0].click()
    wait_for(lambda: block.find_elements(By.CSS_SELECTOR, ".execute"))[0].click()
    status = wait_for(
        lambda: [
            cell.text
            for cell in block.find_elements(
                By.CSS_SELECTOR, ".live-responses-table .response-col_status"
            )
            if cell.text.strip()
        ]
    )
    shot(driver, "09-swagger-executed")
    curl = block.find_element(By.CSS_SELECTOR, ".curl-command").text
    assert status[-1].strip().startswith("200"), (status, curl)
    print("\nscreenshots:", ", ".join(sorted(p.name for p in SHOTS.glob("*.png"))))


def test_swagger_ui_session_write_sends_the_csrf_token(site, browser):
    """Logged in (a session, no Basic credentials), "Try it out" on a POST of the ``api``
    endpoint's Swagger UI succeeds: the page fetches ``/services/session/token`` and sends it
    as ``X-CSRF-Token``, which the endpoint requires on session writes. The new row is then
    in the database (read back through the API)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(site + "/admin/")
    if "Site administration" not in driver.title:
        admin_login(driver, site)
    driver.get(site + "/api/docs#/entity_vocabulary/entity_vocabulary_operation_create_0")

    def block():
        """The POST /entity_vocabulary operation, found afresh (Swagger UI re-renders it)."""
        for candidate in driver.find_elements(By.CSS_SELECTOR, ".opblock-post"):
            if candidate.text.split("\n")[1:2] == ["/entity_vocabulary"]:
                return candidate
        return None

    def click(selector: str) -> bool:
        found = block().find_elements(By.CSS_SELECTOR, selector)
        if found:
            found[0].click()
        return bool(found)

    wait_for(block)
    if not block().find_elements(By.CSS_SELECTOR, ".try-out__btn"):
        wait_for(lambda: click(".opblock-summary"))
    wait_for(lambda: click(".try-out__btn"))
    body = '{"name": "From Swagger", "machine_name": "from_swagger"}'

    def type_body() -> bool:
        editor = block().find_elements(By.CSS_SELECTOR, "textarea.body-param__text")
        if not editor:
            return False
        editor[0].send_keys(Keys.CONTROL, "a")
        editor[0].send_keys(Keys.DELETE)
        editor[0].send_keys(body)
        return editor[0].get_attribute("value") == body

    wait_for(type_body)
    shot(driver, "10-swagger-session-write")
    wait_for(lambda: click(".execute"))
    status = wait_for(
        lambda: [
            cell.text
            for cell in block().find_elements(
                By.CSS_SELECTOR, ".live-responses-table .response-col_status"
            )
            if cell.text.strip()
        ]
    )
    shot(driver, "11-swagger-session-write-done")
    response_text = wait_for(
        lambda: block().find_element(By.CSS_SELECTOR, ".live-responses-table").text
    )
    assert status[-1].strip()[:3] in ("200", "201"), response_text
    driver.get(site + "/api/entity_vocabulary.json?parameters[machine_name]=from_swagger")
    rows = json.loads(driver.find_element(By.TAG_NAME, "pre").text)
    assert [row["name"] for row in rows] == ["From Swagger"]

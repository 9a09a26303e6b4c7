"""``entity_resources`` stands alone: no Drupal or Services names in it, code or prose, and no
import of ``services_api`` or the host project. The Drupal names (``node``/``nid``, body
wrappers, bundles) are declared on the Services side (``services_api.drupal.registration``)."""

import ast
import re
from pathlib import Path

import entity_resources

PACKAGE = Path(entity_resources.__file__).parent
#: Whole words only: ``ExpressionWrapper`` or ``services_api`` are other words.
FORBIDDEN = re.compile(
    r"\b(drupal|drupal's|restws|services|core_name|id_key|nid|wrapper|bundles?|bundle_key)\b",
    re.IGNORECASE,
)


def sources() -> list[Path]:
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) > 10  # the package, not an empty glob
    return files


def test_no_drupal_or_services_names_in_entity_resources():
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sources()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert found == []


def test_the_name_check_sees_code_and_prose():
    for line in ('core_name = "node"', "# the Drupal way", "id_key", "x.nid", "restws style"):
        assert FORBIDDEN.search(line), line
    for line in ("ExpressionWrapper(F(key))", "import services_api here", "nidle", "corename"):
        assert not FORBIDDEN.search(line), line


def test_entity_resources_imports_neither_services_api_nor_the_project():
    imported = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported += [(path.name, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.append((path.name, node.module))
    assert imported  # the walk saw the imports
    bad = [
        (name, module)
        for name, module in imported
        if module.split(".")[0] in ("services_api", "project", "tests")
    ]
    assert bad == []

"""The shape of the house (STYLE.md), read from the code with `ast`: no import cycle anywhere (not even inside a
folder), none of the forbidden edges between folders, only page modules for Dash's pages machinery, and every
module short enough to read in one sitting."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "bench", "briefing", "components", "dashboards", "data_access", "embeds", "geo", "pipeline",
            "web")
TOP_MODULES = ("app", "cli")
MAX_LINES = 450
# folder → folders of ours it may import (STYLE.md, "The shape of the house"); anything else is forbidden
MAY_IMPORT = {
    "app": {"web", "briefing", "components", "data_access"},
    # Publications built from the pages' own parts (status feed, briefing packs): reads the areas' transforms
    # and parts, draws with web's chart-image machinery; nothing imports it but app.
    "briefing": {"dashboards", "embeds", "components", "data_access", "web"},
    "web": {"embeds", "components", "data_access", "api"},
    "embeds": {"components", "data_access"},
    "dashboards": {"embeds", "components", "data_access"},
    "components": set(),
    "data_access": set(),
    "pipeline": {"geo", "data_access"},
    "geo": set(),
    "api": {"data_access"},
}
PAGE_AREAS = {"access", "agencies", "casework", "contracting", "disparities", "methodology", "overview", "plans",
              "workforce"}


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Every project module (tests excluded) by dotted name."""
    found = {name: root / f"{name}.py" for name in TOP_MODULES if (root / f"{name}.py").exists()}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module → the project modules it imports (`from pkg import sub` counts as importing pkg.sub)."""
    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                subs = {f"{base}.{alias.name}" for alias in node.names}
                targets |= (subs & modules.keys()) or {base}
        edges[name] = {t for t in map(known, targets) if t and t != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def forbidden(edges: dict[str, set[str]]) -> list[str]:
    """Edges from one folder into another that STYLE.md's table does not allow."""
    def folder(name: str) -> str:
        return name.split(".")[0]

    return sorted(f"{a} -> {b}" for a, targets in edges.items() for b in targets
                  if folder(a) in MAY_IMPORT and folder(b) != folder(a) and folder(b) not in MAY_IMPORT[folder(a)])


def area_of(name: str) -> str | None:
    """The page area of a module (`dashboards.access.page` → access), `_shared` for the shared helpers."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "dashboards" and parts[1] in (*PAGE_AREAS, "_shared") else None


def cross_area(edges: dict[str, set[str]]) -> list[str]:
    """Imports from one page area into another, or from the shared helpers into an area (what two areas share
    lives in `dashboards._shared`)."""
    return sorted(f"{a} -> {b}" for a, targets in edges.items() for b in targets
                  if area_of(a) and area_of(b) not in (None, "_shared", area_of(a)))


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return imports(module_files())


def test_the_reader_finds_every_project_module_and_its_imports(graph):
    assert {"app", "web", "web.server", "embeds.registry", "dashboards.access.page", "components.shell"} <= set(graph)
    assert "web" in graph["app"] and "embeds.registry" in graph["dashboards.access.embeds"]
    assert "dashboards.access.transforms" in graph["dashboards.access.page"]  # a relative import is resolved


def test_there_is_no_import_cycle(graph):
    found = cycles(graph)
    assert not found, "import cycles: " + "; ".join(
        " ⇄ ".join(f"{a} -> {b}" for a in c for b in sorted(graph[a]) if b in c) for c in found)


def test_the_cycle_finder_finds_a_cycle_inside_a_folder():
    edges = {"dashboards.a": {"dashboards.b"}, "dashboards.b": {"dashboards.c"}, "dashboards.c": {"dashboards.a"},
             "dashboards.d": {"dashboards.a"}}
    assert cycles(edges) == [["dashboards.a", "dashboards.b", "dashboards.c"]]


def test_no_folder_imports_what_style_forbids(graph):
    assert not forbidden(graph), "forbidden imports (STYLE.md): " + "; ".join(forbidden(graph))


def test_the_forbidden_edge_check_names_the_edge():
    edges = {"web.png": {"dashboards.access.page"}, "embeds.render": {"web.server", "components.panel"},
             "components.cards": {"components.formatting"}, "dashboards.access.page": {"embeds.registry"}}
    assert forbidden(edges) == ["embeds.render -> web.server", "web.png -> dashboards.access.page"]


def test_no_page_area_imports_another(graph):
    assert not cross_area(graph), "an area imports another (share it through dashboards._shared): " + "; ".join(
        cross_area(graph))


def test_the_cross_area_check_names_the_edge():
    edges = {"dashboards.agencies.page": {"dashboards.workforce.transforms", "dashboards._shared.workforce",
                                          "dashboards.agencies.parts"},
             "dashboards._shared.wording": {"dashboards.overview.transforms"},
             "dashboards.methodology.page": {"dashboards._shared", "components.shell"}}
    assert cross_area(edges) == ["dashboards._shared.wording -> dashboards.overview.transforms",
                                 "dashboards.agencies.page -> dashboards.workforce.transforms"]


def test_dashboards_holds_area_packages_and_one_shared_package():
    loose = sorted(p.name for p in (ROOT / "dashboards").glob("*.py") if p.name != "__init__.py")
    assert not loose, f"modules loose in dashboards/: {loose}"
    areas = {p.name for p in (ROOT / "dashboards").iterdir() if (p / "__init__.py").exists()}
    assert areas == PAGE_AREAS | {"_shared"}


def test_only_page_modules_are_taken_for_pages():
    """Dash imports every `.py` under the pages folder that mentions `register_page` (names starting with `_`
    aside): only the areas' page modules may."""
    mentions = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "dashboards").rglob("*.py")
                      if "register_page" in p.read_text(encoding="utf-8") and not p.name.startswith("_"))
    assert mentions == ["dashboards/access/page.py", "dashboards/access/towns.py", "dashboards/agencies/page.py",
                        "dashboards/agencies/scorecard.py", "dashboards/casework/page.py",
                        "dashboards/contracting/page.py",
                        "dashboards/disparities/page.py", "dashboards/methodology/page.py",
                        "dashboards/overview/page.py", "dashboards/plans/page.py", "dashboards/workforce/page.py"]


def test_every_module_is_short_enough_to_read_in_one_sitting():
    long = {name: n for name, path in module_files().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"

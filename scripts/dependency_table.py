"""Print the app-level dependency table of the project (who imports whom), from the code itself.

    python scripts/dependency_table.py            # table + cycles + function-level imports
    python scripts/dependency_table.py --markdown # the same table in Markdown (docs/architecture.md)

Every ``import`` / ``from … import`` of the project's apps is counted, module-level or inside a
function (a function-level import still is a dependency). ``accueil.borne`` counts as its own
column (``borne``). Tests and migrations are left out. The script also lists the import cycles
between modules of one app and the function-level imports between apps.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "usagers", "notifications", "accueil", "borne", "mediation", "ateliers", "pilotage", "interop"]
SKIP_PARTS = {"tests", "migrations", ".venv", "node_modules", "__pycache__"}


def app_of(module: str) -> str | None:
    if module.startswith("accueil.borne"):
        return "borne"
    head = module.split(".")[0]
    return head if head in APPS else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path: Path):
    """(imported module, line, inside a function?) for every import of the file."""
    current = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []

    def visit(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append((alias.name, child.lineno, in_function))
            elif isinstance(child, ast.ImportFrom):
                target = resolve(current, is_package, child)
                for alias in child.names:
                    # ``from . import services`` imports the submodule ``pkg.services``.
                    found.append((f"{target}.{alias.name}" if alias.name != "*" else target, child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return current, found


def source_files():
    for app in APPS:
        folder = ROOT / ("accueil/borne" if app == "borne" else app)
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(ROOT)
            if SKIP_PARTS & set(rel.parts):
                continue
            if app == "accueil" and rel.parts[:2] == ("accueil", "borne"):
                continue
            yield app, path


def collect():
    table = defaultdict(lambda: defaultdict(int))  # importer app → imported app → import statements
    function_level = []  # (importer module, line, imported module) across apps
    module_edges = defaultdict(set)  # module → modules of the same app it imports
    known_modules = set()
    seen = set()  # one count per import statement (not per imported name)
    files = list(source_files())
    for _app, path in files:
        known_modules.add(module_name(path))
    for app, path in files:
        current, found = imports_of(path)
        for target, line, in_function in found:
            target_app = app_of(target)
            if target_app is None:
                continue
            if target_app != app:
                if (current, line, target_app) not in seen:
                    seen.add((current, line, target_app))
                    table[app][target_app] += 1
                if in_function:
                    function_level.append((current, line, target))
            else:
                # the module itself, or its package when the name is an attribute (``from .x import y``)
                name = target if target in known_modules else target.rsplit(".", 1)[0]
                if name in known_modules and name != current:
                    module_edges[current].add(name)
    return table, function_level, module_edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on_stack, stack, result, counter = {}, {}, set(), [], [], [0]

    def strong(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for succ in edges.get(node, ()):
            if succ not in index:
                strong(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            # package __init__ importing its submodules is not a cycle worth reporting
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(10000)
    for node in list(edges):
        if node not in index:
            strong(node)
    return sorted(result)


def render(table, *, markdown: bool) -> str:
    present = [a for a in APPS if a in table or any(a in row for row in table.values())]
    header = ["importe →"] + present
    rows = []
    for app in present:
        rows.append([app] + [str(table[app][other]) if table[app].get(other) else "·" for other in present])
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)) for r in [header] + rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    table, function_level, edges = collect()
    print("Imports entre applications (ligne : l'application qui importe ; colonne : celle importée)")
    print(render(table, markdown=args.markdown))
    found = cycles(edges)
    print(f"\nCycles entre modules d'une même application : {len(found)}")
    for component in found:
        print("  - " + " ↔ ".join(component))
    print(f"\nImports entre applications faits dans une fonction : {len(function_level)}")
    for current, line, target in function_level:
        print(f"  - {current}:{line} → {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

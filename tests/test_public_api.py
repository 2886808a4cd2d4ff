"""The apps and the benchmarks use Django, DRF, Celery and kombu through their public API: no handler internals, no private state."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["helpdesk", "tickets", "sla", "chat", "channels", "customers", "followups", "orders", "kpi", "bench"]
PRIVATE_INTERNALS = {"_prefetched_objects_cache", "_result_cache", "_perm_cache", "create_task_message",
                     "send_task_message"}
OWN = {"self", "cls"}


def app_sources() -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


def _is_private(name) -> bool:
    """Return whether this attribute name is private by convention (one leading underscore; dunders are not)."""
    return isinstance(name, str) and name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _owner(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)


def _constant(node: ast.expr | None):
    return node.value if isinstance(node, ast.Constant) else None


def _is_dict_of(node: ast.expr) -> bool:
    """Return whether the node is ``<something>.__dict__``."""
    return isinstance(node, ast.Attribute) and node.attr == "__dict__"


def _targets(node: ast.AST):
    """Yield the single targets of an assignment statement, tuples and starred targets unpacked."""
    pending = list(node.targets) if isinstance(node, ast.Assign) else [node.target]
    while pending:
        target = pending.pop()
        if isinstance(target, (ast.Tuple, ast.List)):
            pending.extend(target.elts)
        elif isinstance(target, ast.Starred):
            pending.append(target.value)
        else:
            yield target


def offences(source: str) -> list[str]:
    """Return one line per use of a framework's internals in this module's source."""
    found = []

    def add(node: ast.AST, what: str) -> None:
        found.append(f"{node.lineno}: {what}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.handlers"):
            add(node, f"imports from {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("django.core.handlers"):
                    add(node, f"imports {alias.name}")
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            for target in _targets(node):
                if isinstance(target, ast.Attribute) and _is_private(target.attr) and _owner(target.value) not in OWN:
                    add(node, f"sets {ast.unparse(target)}")
                elif isinstance(target, ast.Subscript) and _is_dict_of(target.value):
                    key = _constant(target.slice)
                    if key is None or _is_private(key):
                        add(node, f"sets {ast.unparse(target)}")
        elif isinstance(node, ast.Call):
            function = node.func
            first, second = [*node.args, None, None][:2]
            if isinstance(function, ast.Name) and function.id == "setattr" and first is not None:
                if _is_private(_constant(second)) and _owner(first) not in OWN:
                    add(node, f"sets {ast.unparse(first)}.{_constant(second)}")
            if isinstance(function, ast.Name) and function.id in {"getattr", "hasattr", "setattr", "delattr"}:
                if _constant(second) in PRIVATE_INTERNALS:
                    add(node, f"uses {_constant(second)}")
            if (isinstance(function, ast.Attribute) and function.attr == "setdefault" and _is_dict_of(function.value)
                    and (first is None or _constant(first) is None or _is_private(_constant(first)))):
                add(node, f"sets {ast.unparse(function.value)}[{ast.unparse(first) if first else ''}]")
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE_INTERNALS:
            add(node, f"uses {node.attr}")
    return sorted(set(found), key=lambda line: int(line.split(":")[0]))


@pytest.mark.parametrize("line", [
    "from django.core.handlers.asgi import ASGIRequest",
    "import django.core.handlers.base",
    "order._prefetched_objects_cache = {}",
    "queryset._result_cache, other = rows, 1",
    "request.user._perm_cache: set = set()",
    "counter._hits += 1",
    'setattr(queryset, "_prefetch_done", True)',
    'order.__dict__["_state"] = state',
    'order.__dict__.setdefault("_prefetched_objects_cache", {})',
    'cached = getattr(order, "_prefetched_objects_cache", {})',
    "rows = queryset._result_cache",
    "app.amqp.send_task_message(producer, name, message)",
    "message = amqp.create_task_message(task_id, name, args, kwargs)",
])
def test_the_walker_catches_private_use(line):
    assert offences(line)


@pytest.mark.parametrize("line", [
    "self._cache = {}",
    "cls._instances += 1",
    'setattr(self, "_seen", True)',
    "order.status = 'paid'",
    "field.__doc__ = 'text'",
    "names = [f.column for f in Order._meta.concrete_fields]",
    "sla_timer_check.apply_async(kwargs={'timer_id': 1}, producer=producer)",
])
def test_the_walker_lets_public_use_and_own_state_pass(line):
    assert offences(line) == []


def test_every_app_module_but_migrations_is_walked():
    sources = [path.relative_to(ROOT).as_posix() for path in app_sources()]
    assert {path.split("/")[0] for path in sources} == set(APPS)
    assert "orders/upsert_sql.py" in sources and "sla/tasks.py" in sources
    assert not any("/migrations/" in path for path in sources)


def app_offences() -> set[str]:
    """Return "<path>: <offence>" for every offence in the apps (line numbers left out)."""
    return {f"{path.relative_to(ROOT).as_posix()}: {line.split(': ', 1)[1]}"
            for path in app_sources() for line in offences(path.read_text(encoding="utf-8"))}


def test_no_app_module_uses_framework_internals():
    assert app_offences() == set()

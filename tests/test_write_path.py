"""Every write goes through an action, which checks who may do it and records the audit
event. This test walks the modules that answer people and other systems (views, the API,
background tasks, the demo loader) for model writes made directly, and fails on any that
is not in the short allow-list below, each with its reason.

What counts as a model write (in the source, without running it): ``x.save()`` and
``x.delete()`` called without positional arguments (a model or a queryset; a workbook's
``save(path)`` or the storage's ``delete(name)`` take one), any ``.create(``,
``.bulk_create(``, ``.bulk_update(``, ``.get_or_create(``, ``.update_or_create(``, and
``.update(`` of a queryset: called with keyword arguments only, on a query
(``X.objects.filter(...).update(...)``), a manager or a variable named ``qs`` (a dict's
``update`` takes a mapping, or a context's keywords, on a plain name).
"""

import ast
from pathlib import Path

import labinov

PACKAGE = Path(labinov.__file__).parent

#: (module path relative to the package, function) -> why it may write directly.
ALLOWED = {
    ("library/tasks.py", "_set"): (
        "a background import's progress on its own ImportRun (rows read, status); the "
        "rows themselves are written by actions.import_rows"
    ),
    ("library/tasks.py", "fail_unfinished_run"): (
        "ends a run whose task raised as failed, so that its page stops waiting"
    ),
    ("library/tasks.py", "_start_embedding_run"): (
        "the embedding task's own progress record (EmbeddingRun); the vectors are written "
        "by search.embeddings, no person's data changes"
    ),
    ("library/tasks.py", "_embedding_progress"): (
        "the embedding task's progress on its own EmbeddingRun (entries embedded, status)"
    ),
    ("library/tasks.py", "fail_embedding_run"): (
        "ends an embedding run whose task failed, with the reason the administrator reads"
    ),
}

ALWAYS = {"create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        parts = relative.split("/")
        if "migrations" in parts:
            continue
        if (
            parts[-1] in {"views.py", "api.py", "tasks.py"}
            or (len(parts) > 1 and parts[-2] == "views")
            or parts[0] == "demo"
        ):
            yield relative, path


def is_write(call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute):
        return False
    name = call.func.attr
    if name in ALWAYS:
        return True
    if name in {"save", "delete"}:
        return not call.args
    if name == "update":
        receiver = call.func.value
        query = (
            isinstance(receiver, ast.Call)
            or "objects" in ast.unparse(receiver)
            or ast.unparse(receiver).endswith("qs")
        )
        return query and not call.args and bool(call.keywords)
    return False


def direct_writes():
    """(module, function, line, source) of each direct model write."""
    for relative, path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and is_write(node):
                    yield relative, function.name, node.lineno, ast.unparse(node.func)


def test_views_api_tasks_and_demo_write_only_through_actions():
    found = {
        f"{module}:{line} in {function}(): {call}"
        for module, function, line, call in direct_writes()
        if (module, function) not in ALLOWED
    }
    assert not found, "model writes outside an action:\n" + "\n".join(sorted(found))


def test_the_allow_list_names_only_writes_that_exist():
    # An entry whose write went away must go too, or the list would hide the next one.
    writing = {(module, function) for module, function, _line, _call in direct_writes()}
    assert set(ALLOWED) <= writing


def test_the_walk_finds_a_write(tmp_path):
    # The detector itself: a view that saves a model is caught, a dict update is not.
    tree = ast.parse(
        "def view(request):\n"
        "    context = {}\n"
        "    context.update({'a': 1})\n"
        "    context.update(page=2)\n"
        "    book.save(path)\n"
        "    thing.save()\n"
        "    Thing.objects.filter(pk=1).update(name='x')\n"
        "    Thing.objects.create(name='y')\n"
    )
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and is_write(n)]
    assert [ast.unparse(c.func) for c in calls] == [
        "thing.save",
        "Thing.objects.filter(pk=1).update",
        "Thing.objects.create",
    ]

"""``dossier init``: write a new dossier from the scaffold shipped in ``dossier/scaffold/``.

The scaffold is a complete, empty dossier: ``mkdocs.yml``, the home page, ``data/facts.yaml``
(no entities, no facts: nothing invented), ``seeds/``, the GitHub check and deploy workflows, the
pre-commit hooks, ``requirements.txt`` pinning this version of dossier, a README for analysts and
a ``.gitignore``. ``dossier check`` and ``dossier build`` accept it as written.

Nothing is ever overwritten: when any file the scaffold would write exists, nothing is written.
Every file below the new dossier's root is written with :func:`dossier.atomic.write_bytes`
(exclusive, so a file that appears meanwhile is not replaced) and no folder is created through a
link (:func:`dossier.fs.make_dirs`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path, PurePosixPath

from dossier import __version__, atomic, escape, fs
from dossier.yamlload import CONTROL, char_name

# Placeholders in the scaffold's files, each replaced by a value encoded for its file's context.
_TITLE_YAML = "__DOSSIER_TITLE__"  # a YAML scalar (mkdocs.yml, data/facts.yaml)
_TITLE_TEXT = "__DOSSIER_TITLE_TEXT__"  # Markdown text (README.md)
# mkdocs.yml's site_name when DOSSIER_TITLE is unset (the engine run by hand): encoded as
# dossier build encodes DOSSIER_TITLE, since the engines print site_name unescaped.
_SITE_NAME = "__DOSSIER_SITE_NAME__"
_REQUIREMENT = "__DOSSIER_REQUIREMENT__"  # requirements.txt
# What requirements.txt says when init cannot tell where dossier came from. A bare "dossier" is no
# answer: that name on PyPI belongs to an unrelated package, which CI would install and run.
UNKNOWN_SOURCE = (
    "# Name where your team installs dossier from, for example:\n"
    "#   dossier @ git+https://github.com/ORG/dossier@v{version}\n"
    '# or the URL of a wheel. Not the bare name: "dossier" on PyPI is an unrelated package.'
)
# A title is one line shown in the header of every page: long ones are cut by the theme anyway.
MAX_TITLE = 200


class InitError(ValueError):
    """``dossier init`` refused; the message says why and what to do.

    ``option`` names the argument or option whose value was refused (a usage error).
    """

    def __init__(self, message: str, option: str) -> None:
        super().__init__(message)
        self.option = option


def _walk(folder: Traversable, prefix: PurePosixPath) -> Iterator[tuple[PurePosixPath, Traversable]]:
    for item in sorted(folder.iterdir(), key=lambda item: item.name):
        if item.name == "__pycache__":
            continue
        if item.is_dir():
            yield from _walk(item, prefix / item.name)
        else:
            yield prefix / item.name, item


def scaffold_files() -> dict[str, bytes]:
    """The scaffold as shipped, with its placeholders: path below the new dossier → bytes."""
    root = resources.files("dossier") / "scaffold"
    return {str(path): item.read_bytes() for path, item in _walk(root, PurePosixPath())}


def check_title(title: str) -> str:
    """The title without surrounding space, or :class:`InitError` for one the check would refuse."""
    title = title.strip()
    if not title:
        raise InitError("the title is blank: give one with --title", "--title")
    # One printable line: the check refuses control and bidirectional characters (CONTROL), and
    # a line break or other invisible character has no place in a page header either.
    hit = CONTROL.search(title) or next((c for c in title if not c.isprintable()), None)
    if hit:
        char = hit if isinstance(hit, str) else hit.group()
        raise InitError(
            f"the title holds {char_name(char)}: control and bidirectional characters "
            "and line breaks are not allowed in it",
            "--title",
        )
    if len(title) > MAX_TITLE:
        raise InitError(f"the title is {len(title)} characters long; at most {MAX_TITLE}", "--title")
    return title


def installed_from() -> str | None:
    """Where this dossier was installed from, as a pip requirement CI can use, or ``None``.

    Read from the installation's PEP 610 record (``direct_url.json``): a git checkout at an
    https URL, or a wheel or archive at an https URL. A local path, an editable install or an
    install from an index says nothing CI could use.
    """
    import json
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        record = distribution("dossier").read_text("direct_url.json")
        data = json.loads(record) if record else {}
    except (PackageNotFoundError, ValueError):
        return None
    url, vcs = data.get("url"), data.get("vcs_info")
    if not isinstance(url, str) or not url.startswith("https://") or any(c.isspace() for c in url):
        return None
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(vcs.get("commit_id"), str):
        return f"dossier @ git+{url}@{vcs['commit_id']}"
    return f"dossier @ {url}" if "archive_info" in data else None


def check_requirement(spec: str) -> str:
    """``spec`` if it is one pip requirement for dossier (``dossier @ URL``, ``dossier==1.0`` …)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        requirement = Requirement(spec)
    except InvalidRequirement as exc:
        raise InitError(f"{spec!r} is not a pip requirement: {exc}", "--requirement") from None
    if canonicalize_name(requirement.name) != "dossier" or not spec.isprintable():
        raise InitError(
            f"{spec!r} does not install dossier: write 'dossier @ git+https://…@TAG' or a wheel's URL",
            "--requirement",
        )
    return spec.strip()


def render(title: str, requirement: str | None = None) -> dict[str, bytes]:
    """The new dossier's files: the scaffold with the title and the requirement filled in."""
    out = {}
    for path, data in scaffold_files().items():
        if path == "mkdocs.yml":
            text = data.decode("utf-8").replace(_SITE_NAME, escape.yaml_str(escape.site_name(title)))
        elif path.endswith((".yml", ".yaml")) and _TITLE_YAML.encode() in data:
            text = data.decode("utf-8").replace(_TITLE_YAML, escape.yaml_str(title))
        elif path == "README.md":
            text = data.decode("utf-8").replace(_TITLE_TEXT, str(escape.md(title)))
        elif path == "requirements.txt":
            line = requirement or UNKNOWN_SOURCE.format(version=__version__)
            text = data.decode("utf-8").replace(_REQUIREMENT, line)
        else:
            out[path] = data
            continue
        out[path] = text.encode("utf-8")
    return out


def init(folder: Path, title: str | None = None, requirement: str | None = None) -> list[str]:
    """Write a new dossier into ``folder`` (created if missing); the paths written, in order.

    ``title`` defaults to the folder's name; ``requirement`` (what CI installs) to
    :func:`installed_from`, and without either ``requirements.txt`` says what to fill in.
    :class:`InitError`, with nothing written, when the folder is a link or not a folder, when a
    folder the scaffold writes into is a link, or when any file the scaffold writes exists.
    """
    root = folder.absolute()
    title = check_title(root.name if title is None else title)
    requirement = check_requirement(requirement) if requirement is not None else installed_from()
    if root.is_symlink():
        raise InitError(
            f"{folder} is a symbolic link; to start the dossier where it points, name that folder: "
            f"{root.resolve()}",
            "DIR",
        )
    if os.path.lexists(root) and not root.is_dir():
        raise InitError(f"{folder} exists and is not a folder", "DIR")
    files = render(title, requirement)
    existing = sorted(path for path in files if os.path.lexists(root / path))
    if existing:
        raise InitError(
            f"{folder} already has {', '.join(existing)}; dossier init never overwrites a file: "
            "start the dossier in a new or empty folder",
            "DIR",
        )
    try:
        for path in files:  # every refusal before the first write, so none leaves half a dossier
            fs.check_inside(root, root / path, want="file")
        root.mkdir(parents=True, exist_ok=True)
        for path, data in files.items():
            target = root / path
            fs.make_dirs(root, target.parent)
            atomic.write_bytes(target, data, exclusive=True, root=root)
    except fs.UnsafePath as refused:
        raise InitError(f"refusing to write {refused}", "DIR") from None
    except FileExistsError as exc:
        raise InitError(f"{exc.filename} appeared while writing; nothing there was replaced", "DIR") from None
    return list(files)

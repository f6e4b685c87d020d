"""The researcher's own layer: follow authors, categories and searches; save papers with a note;
named collections (private unless made public); "Not relevant" marks; the private For You feed token.

Every write checks its input first and runs in one transaction, so a refused request writes nothing,
and counts against settings.library_writes_per_minute (one key per user).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from sqlalchemy import Connection, Engine

from paperwire.community import ratelimit
from paperwire.community._common import require_active, require_visible_paper, utcnow
from paperwire.community.library_export import Export, check_format, export_collection, export_library
from paperwire.community.library_import import parse_import
from paperwire.config import Settings
from paperwire.domain.names import name_key
from paperwire.domain.papers import is_category
from paperwire.errors import Conflict, InvalidInput, NotFound, RateLimited, UpstreamUnavailable
from paperwire.storage import library as repo
from paperwire.storage import reader
from paperwire.storage.db import read_only
from paperwire.storage.users import User

KINDS = ("author", "category", "search")
MAX_FOLLOWS = 500
MAX_QUERY_CHARS = 200
MAX_NOTE_CHARS = 5000
MAX_COLLECTIONS = 200
MAX_COLLECTION_NAME = 100
MAX_COLLECTION_PAPERS = 10_000


@dataclass(frozen=True)
class FollowTarget:
    kind: str
    target: str  # the comparison form stored in follows.target
    label: str  # what pages show


def resolve_follow(conn: Connection, kind: str, text: str) -> FollowTarget:
    """What a follow of (kind, text) means, or InvalidInput/NotFound naming the problem."""
    text = " ".join(text.split())
    if kind not in KINDS:
        raise InvalidInput(f"kind: expected one of {', '.join(KINDS)}, got {kind[:20]!r}")
    if not text:
        raise InvalidInput(f"target: the {kind} to follow is empty")
    if kind == "author":
        spellings = reader.find_authors(conn, text)
        if not spellings:
            raise NotFound(f"no author named {text[:80]!r}")
        label = spellings[0]["name"]
        return FollowTarget(kind, name_key(label), label)
    if kind == "category":
        if not is_category(text):
            raise InvalidInput(f"not an arXiv category: {text[:40]!r}")
        return FollowTarget(kind, text.lower(), text)
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(f"a followed search may have at most {MAX_QUERY_CHARS} characters")
    return FollowTarget(kind, text.casefold(), text)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


Indexer = Callable[[str, str], tuple[str, bool]]  # SubmissionService.index: (arXiv id, who) -> (id, new)


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)  # unknown here, fetched from arXiv
    errors: list[dict[str, object]] = field(default_factory=list)  # {line, error}
    dry_run: bool = False
    collection: str = ""  # its name
    created: bool = False  # the import made the collection (a dry run: would make it)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class LibraryService:
    engine: Engine
    settings: Settings
    index_paper: Indexer | None = None  # fetches unknown arXiv ids through the polite client

    def _hit(self, conn: Connection, user: User) -> None:
        require_active(user)
        ratelimit.hit(conn, f"library:user:{user.id}", self.settings.library_writes_per_minute, 60, utcnow())

    # follows

    def follow(self, user: User, kind: str, text: str) -> tuple[FollowTarget, bool]:
        """(what is followed, whether this call added it); a repeated follow changes nothing."""
        with self.engine.begin() as conn:
            target = resolve_follow(conn, kind, text)
            self._hit(conn, user)
            if repo.count_follows(conn, user.id) >= MAX_FOLLOWS:
                raise InvalidInput(f"at most {MAX_FOLLOWS} follows per account")
            added = repo.add_follow(conn, user.id, target.kind, target.target, target.label, utcnow())
            return target, added

    def unfollow(self, user: User, kind: str, text: str) -> tuple[FollowTarget, bool]:
        with self.engine.begin() as conn:
            target = resolve_follow(conn, kind, text) if kind != "author" else _author_key(kind, text)
            self._hit(conn, user)
            return target, repo.remove_follow(conn, user.id, target.kind, target.target)

    def follows(self, user: User) -> list[repo.Follow]:
        with read_only(self.engine) as conn:
            return repo.follows_of(conn, user.id)

    # the library

    def save(self, user: User, paper_id: str) -> bool:
        with self.engine.begin() as conn:
            require_visible_paper(conn, paper_id)
            self._hit(conn, user)
            return repo.save_paper(conn, user.id, paper_id, utcnow())

    def unsave(self, user: User, paper_id: str) -> bool:
        with self.engine.begin() as conn:
            self._hit(conn, user)
            return repo.unsave_paper(conn, user.id, paper_id)

    def set_note(self, user: User, paper_id: str, note: str) -> None:
        if len(note) > MAX_NOTE_CHARS:
            raise InvalidInput(f"note: at most {MAX_NOTE_CHARS} characters")
        with self.engine.begin() as conn:
            self._hit(conn, user)
            if not repo.set_note(conn, user.id, paper_id, note.strip()):
                raise NotFound(f"{paper_id!r} is not in your library; save it first")

    def not_relevant(self, user: User, paper_id: str) -> bool:
        with self.engine.begin() as conn:
            require_visible_paper(conn, paper_id)
            self._hit(conn, user)
            return repo.mark_not_relevant(conn, user.id, paper_id, utcnow())

    # collections

    def create_collection(self, user: User, name: str) -> int:
        name = self._check_new_collection(user, name)
        with self.engine.begin() as conn:
            self._hit(conn, user)
            if len(repo.collections_of(conn, user.id)) >= MAX_COLLECTIONS:  # again, in the writing transaction
                raise InvalidInput(f"at most {MAX_COLLECTIONS} collections per account")
            created = repo.create_collection(conn, user.id, name, secrets.token_urlsafe(12), utcnow())
            if created is None:
                raise Conflict(f"you already have a collection named {name!r}")
            return created

    def owned(self, conn: Connection, user: User, collection_id: int) -> repo.Collection:
        """The user's collection, or NotFound (also for someone else's: its existence stays private)."""
        found = repo.get_collection(conn, collection_id=collection_id)
        if found is None or found.user_id != user.id:
            raise NotFound(f"no collection {collection_id} in your library")
        return found

    def find_collection(self, user: User, ref: str) -> repo.Collection:
        """The user's collection called `ref`, else the one whose id `ref` is; NotFound otherwise."""
        name = " ".join(ref.split())
        with read_only(self.engine) as conn:
            mine = repo.collections_of(conn, user.id)
        by_name = [c for c in mine if c.name == name]
        by_id = [c for c in mine if name.isdigit() and c.id == int(name)]
        if not by_name + by_id:
            raise NotFound(f"no collection named {name[:80]!r} in that library")
        return (by_name + by_id)[0]

    def _check_new_collection(self, user: User, name: str) -> str:
        """What create_collection would refuse, refused without writing (dry runs ask this)."""
        name = " ".join(name.split())
        if not name or len(name) > MAX_COLLECTION_NAME:
            raise InvalidInput(f"name: a collection needs a name of 1 to {MAX_COLLECTION_NAME} characters")
        with read_only(self.engine) as conn:
            if len(repo.collections_of(conn, user.id)) >= MAX_COLLECTIONS:
                raise InvalidInput(f"at most {MAX_COLLECTIONS} collections per account")
        return name

    def add_to_collection(self, user: User, collection_id: int, paper_id: str) -> bool:
        """Add (and save) a paper; a paper already there is a no-op; a full collection is refused."""
        with self.engine.begin() as conn:
            collection = self.owned(conn, user, collection_id)
            require_visible_paper(conn, paper_id)
            self._hit(conn, user)
            return self._add(conn, user, collection, paper_id)

    def _add(self, conn: Connection, user: User, collection: repo.Collection, paper_id: str) -> bool:
        if repo.collection_size(conn, collection.id) >= MAX_COLLECTION_PAPERS:
            raise InvalidInput(f"collection {collection.name!r} is full ({MAX_COLLECTION_PAPERS:,} papers)")
        repo.save_paper(conn, user.id, paper_id, utcnow())
        return repo.add_to_collection(conn, collection.id, paper_id, utcnow())

    def remove_from_collection(self, user: User, collection_id: int, paper_id: str) -> bool:
        with self.engine.begin() as conn:
            self.owned(conn, user, collection_id)
            self._hit(conn, user)
            return repo.remove_from_collection(conn, collection_id, paper_id)

    def set_public(self, user: User, collection_id: int, is_public: bool) -> None:
        with self.engine.begin() as conn:
            self.owned(conn, user, collection_id)
            self._hit(conn, user)
            repo.set_public(conn, collection_id, is_public)

    def delete_collection(self, user: User, collection_id: int) -> None:
        with self.engine.begin() as conn:
            self.owned(conn, user, collection_id)
            self._hit(conn, user)
            repo.delete_collection(conn, collection_id)

    def public_collection(self, public_id: str) -> tuple[repo.Collection, list[str]]:
        with read_only(self.engine) as conn:
            found = repo.get_collection(conn, public_id=public_id)
            if found is None or not found.is_public:
                raise NotFound(f"no public collection {public_id[:40]!r}")
            return found, repo.collection_paper_ids(conn, found.id)

    def import_into(self, user: User, collection_id: int, text: str, *, dry_run: bool = False) -> ImportReport:
        """Add every arXiv id of a BibTeX file or id list to the collection; unknown ids are fetched
        from arXiv first; bad entries are reported by line and skipped. One write for the lot; a dry
        run writes nothing at all (not even a rate-limit hit) and fetches nothing."""
        with self.engine.begin() as conn:
            collection = self.owned(conn, user, collection_id)
            if not dry_run:
                self._hit(conn, user)
            present = set(repo.collection_paper_ids(conn, collection_id))
        report = self._plan_import(user, collection.name, present, text, dry_run)
        if not dry_run:
            with self.engine.begin() as conn:
                for paper_id in report.added:
                    self._add(conn, user, collection, paper_id)
        return report

    def import_named(
        self, user: User, name: str, text: str, *, create: bool = False, dry_run: bool = False
    ) -> ImportReport:
        """import_into the user's collection called `name`; `create` makes it when missing (a dry run
        says it would, and what it would add, and creates nothing)."""
        try:
            found = self.find_collection(user, name)
        except NotFound:
            if not create:
                raise NotFound(f"no collection named {name[:80]!r} (add --create to make it)") from None
            name = self._check_new_collection(user, name)
            if dry_run:
                report = self._plan_import(user, name, set(), text, dry_run=True)
            else:
                report = self.import_into(user, self.create_collection(user, name), text)
            report.created = True
            return report
        return self.import_into(user, found.id, text, dry_run=dry_run)

    def _plan_import(self, user: User, name: str, present: set[str], text: str, dry_run: bool) -> ImportReport:
        """Which ids the import adds (fetching unknown ones unless a dry run), which were there, which fail."""
        report = ImportReport(dry_run=dry_run, collection=name)
        entries = parse_import(text)
        with read_only(self.engine) as conn:
            stored = reader.visible_ids(conn, [e.arxiv_id for e in entries if e.arxiv_id])
        for entry in entries:
            if entry.arxiv_id is None:
                report.errors.append({"line": entry.line, "error": entry.error})
            elif entry.arxiv_id in present or entry.arxiv_id in report.added:
                report.already.append(entry.arxiv_id)
            elif entry.arxiv_id in stored or self._fetch(user, entry.line, entry.arxiv_id, report):
                report.added.append(entry.arxiv_id)
        if len(present) + len(report.added) > MAX_COLLECTION_PAPERS:
            raise InvalidInput(f"collection {name!r} would pass {MAX_COLLECTION_PAPERS:,} papers")
        return report

    def _fetch(self, user: User, line: int, paper_id: str, report: ImportReport) -> bool:
        """Fetch a paper unknown here from arXiv (a dry run only lists it as one it would fetch)."""
        if self.index_paper is None:
            report.errors.append({"line": line, "error": f"{paper_id} is not stored here yet"})
            return False
        if not report.dry_run:
            try:
                self.index_paper(paper_id, f"user:{user.id}")
            except (NotFound, InvalidInput, UpstreamUnavailable, RateLimited) as error:
                report.errors.append({"line": line, "error": f"{paper_id}: {error}"})
                return False
        report.fetched.append(paper_id)
        return True

    # exports

    def export(self, user: User, fmt: str, collection_id: int | None = None) -> Export:
        """The user's library (with notes in JSON lines) or one of their collections, in `fmt`."""
        check_format(fmt)
        with read_only(self.engine) as conn:
            if collection_id is None:
                return export_library(conn, self.settings, user.id, fmt)
            return export_collection(conn, self.settings, self.owned(conn, user, collection_id), fmt)

    # the private feed token

    def new_feed_token(self, user: User) -> str:
        raw = "pwf_" + secrets.token_urlsafe(24)
        with self.engine.begin() as conn:
            self._hit(conn, user)
            repo.set_feed_token(conn, user.id, hash_token(raw), utcnow())
        return raw

    def user_of_feed_token(self, raw: str) -> int:
        with read_only(self.engine) as conn:
            found = repo.user_of_feed_token(conn, hash_token(raw))
        if found is None:
            raise NotFound("unknown or revoked feed token")
        return found


def _author_key(kind: str, text: str) -> FollowTarget:
    """Unfollowing an author needs no stored paper by that name any more (the papers may be gone)."""
    text = " ".join(text.split())
    return FollowTarget(kind, name_key(text), text)

"""One base class for everything paperwire raises on purpose, so callers can catch it all."""


class PaperwireError(Exception):
    """Base class: an expected failure with a message meant for a person."""


class NotFound(PaperwireError):
    """Unknown paper id, unknown subscriber token, missing file."""


class UnknownPaper(NotFound):
    """A well-formed arXiv id we do not hold yet: pages offer to index it."""

    def __init__(self, paper_id: str) -> None:
        super().__init__(f"no paper with id {paper_id!r}")
        self.paper_id = paper_id


class InvalidInput(PaperwireError):
    """Bad arXiv id, bad query parameter, malformed input record."""


class Conflict(PaperwireError):
    """Duplicate vote, already subscribed, concurrent change."""


class UpstreamUnavailable(PaperwireError):
    """arXiv or SMTP unreachable after retries."""


class RateLimited(PaperwireError):
    """Too many requests; retry_after_s says when to come back."""

    def __init__(self, message: str, retry_after_s: int = 60) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class PermissionDenied(PaperwireError):
    """Not allowed: not logged in, not an admin, bad CSRF token."""

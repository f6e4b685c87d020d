"""The paper tables. Feature tables (community, digests, search) live beside this file and share METADATA.

Constraint names follow NAMING_CONVENTION so they match on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

METADATA = MetaData(naming_convention=NAMING_CONVENTION)

papers = Table(
    "papers",
    METADATA,
    Column("id", String(64), primary_key=True),  # arXiv id without version, or 'doi:...'
    Column("version", Integer, nullable=False, default=1),
    Column("title", Text, nullable=False),
    Column("abstract", Text, nullable=False),
    Column("primary_category", String(32), nullable=True, index=True),
    Column("published", Date, nullable=True, index=True),  # first version
    Column("updated", Date, nullable=True),  # latest version
    Column("announced", Date, nullable=True, index=True),  # listing day
    Column("comment", Text, nullable=True),
    Column("journal_ref", Text, nullable=True),
    Column("doi", String(255), nullable=True),
    Column("license", String(255), nullable=True),
    Column("code_links", JSON, nullable=False, default=list),
    Column("authors_text", Text, nullable=False, default=""),  # "A; B; C" in order, for listing pages
    Column("categories_text", String(512), nullable=False, default=""),  # "cs.LG cs.AI", primary first
    Column("source", String(32), nullable=False),
    Column("content_hash", String(32), nullable=False),
    Column("record_hash", String(32), nullable=True),  # what the last source said: skip unchanged re-ingests
    Column("upvotes", Integer, nullable=False, default=0),  # community count (votes + imported)
    Column("imported_upvotes", Integer, nullable=False, default=0),  # e.g. from Hugging Face daily papers
    Column("submitted_on", Date, nullable=True, index=True),  # day it was submitted to the daily list
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
    Column("seq", BigInteger, nullable=False, index=True),  # monotonic change counter for incremental indexing
    # Hugging Face imports: who submitted it there ({user, fullname, avatarUrl, ...}) and its comment count
    Column("imported_submitter", JSON, nullable=True),
    Column("imported_comments", Integer, nullable=False, default=0, server_default="0"),
    Column("github_repo", String(512), nullable=True),  # chosen (import or editor); else the first code link
    Column("project_page", String(512), nullable=True),  # chosen; else detected in the comment
    Column("published_at", DateTime(timezone=True), nullable=True),  # first version, when a source gives the time
    Column("submitted_at", DateTime(timezone=True), nullable=True),  # an imported daily-list submission's time
    # computed locally (search/keyphrases.py): keywords, a one-sentence summary, the content they came from
    Column("ai_keywords", JSON, nullable=True),
    Column("ai_summary", Text, nullable=True),
    Column("ai_hash", String(32), nullable=True),
)

paper_versions = Table(
    "paper_versions",
    METADATA,
    Column("paper_id", String(64), ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("submitted", Date, nullable=True),
)

authors = Table(
    "authors",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("name", String(512), nullable=False, unique=True),  # display form, 'John Smith'
    Column("name_key", String(512), nullable=False, index=True),  # 'smith j', to match name forms
)

paper_authors = Table(
    "paper_authors",
    METADATA,
    Column("paper_id", String(64), ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("author_id", Integer, ForeignKey("authors.id"), nullable=False, index=True),
)

categories = Table(
    "categories",
    METADATA,
    Column("id", String(32), primary_key=True),  # 'cs.LG'
    Column("archive", String(32), nullable=False, index=True),  # 'cs'
)

paper_categories = Table(
    "paper_categories",
    METADATA,
    Column("paper_id", String(64), ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", String(32), ForeignKey("categories.id"), primary_key=True),
    Column("position", Integer, nullable=False),
    Index("ix_paper_categories_category_paper", "category_id", "paper_id"),
)

ingest_checkpoints = Table(
    "ingest_checkpoints",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("source", String(32), nullable=False),  # file | oai | api | rss
    Column("key", String(1024), nullable=False),  # file path+size+mtime, OAI set+prefix, API query
    Column("position", Text, nullable=True),  # byte offset, resumption token, start index
    Column("datestamp", String(32), nullable=True),  # last OAI datestamp / API window end
    Column("state", JSON, nullable=False, default=dict),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source", "key", name="uq_ingest_checkpoints_source_key"),
)

paper_embeddings = Table(
    "paper_embeddings",
    METADATA,
    Column("paper_id", String(64), ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    Column("model", String(64), primary_key=True),
    Column("content_hash", String(32), nullable=False),  # the paper content the vector was made from
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32 little-endian
    Column("created_at", DateTime(timezone=True), nullable=False),
)

counters = Table(
    "counters",
    METADATA,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# GitHub repositories shown on paper pages: the star count as last fetched (web/github.py)
github_repos = Table(
    "github_repos",
    METADATA,
    Column("full_name", String(200), primary_key=True),  # 'owner/name'
    Column("stars", Integer, nullable=True),
    Column("status", Integer, nullable=True),  # HTTP status of the last fetch
    Column("etag", String(200), nullable=True),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

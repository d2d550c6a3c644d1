"""Matching's own settings (prefix ``DUIJIE_MATCHING_``), next to the shared ones."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MatchingSettings(BaseSettings):
    """Port, database, and the knobs of when a suggestion fires."""

    model_config = SettingsConfigDict(env_prefix="DUIJIE_MATCHING_", extra="ignore")

    host: str = Field("127.0.0.1", description="bind address")
    port: int = Field(8003, description="HTTP port")
    database: str = Field("matching", description="database name, after the shared db_prefix")
    top_n: int = Field(10, ge=1, le=50, description="a pair is suggested inside a demand's top N")
    ranked_depth: int = Field(
        20, ge=1, le=100, description="how many counterparts are ranked and stored per demand"
    )
    rise_ranks: int = Field(
        3, ge=1, description="a pair is suggested again when it rises this many places"
    )
    min_shared_terms: int = Field(
        2, ge=1, description="words a hit must share with the demand to be ranked at all"
    )
    min_similarity: float | None = Field(
        None,
        ge=-1.0,
        le=1.0,
        description="... unless its sentence vector's cosine with the demand's reaches this"
        " (a paraphrase; unset: the word floor alone)",
    )
    candidate_demands: int = Field(
        30, ge=1, le=200, description="demands looked at for a new supply (reverse + percolator)"
    )
    consumer_concurrency: int = Field(
        8,
        ge=1,
        le=64,
        description="record events handled at once per topic (one at a time per record)",
    )


@lru_cache
def get_matching_settings() -> MatchingSettings:
    return MatchingSettings()

"""The model catalogue: what each provider's models cost to prompt and to tune, until when.

A dated data file (catalogue.json, beside this module) lists one entry per provider model or
tuning offer, every figure with its source and the day it was checked. Prices are in US
dollars per million tokens unless a name says otherwise. The engine prices prompting and
tuning on entries from here, and says which (`priced_on`), so a cost is never detached from
the offer it assumes or from the date that offer ends.

Pure Python: the file is read once per process with the standard library.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Tier(StrEnum):
    """How capable a model is for instructions and reasoning, as an agency would pick it."""

    SMALL = "small"  # fast and cheap; follows a clear prompt on everyday tasks
    LARGE = "large"  # the provider's strongest general model; niche, critical or subtle work


class TuningMethod(StrEnum):
    """How a tuning offer trains the model."""

    HOSTED_SUPERVISED = "hosted_supervised"  # the provider trains and serves a closed model
    LORA = "lora"  # small adapter layers on a frozen open-weight model
    FULL = "full"  # every weight of an open-weight model


class Serving(StrEnum):
    """How a tuned model is served, which decides how its running cost grows with volume."""

    PER_TOKEN = "per_token"  # noqa: S105 - billed per token by the provider, like any model
    DEDICATED = "dedicated"  # GPUs rented from the provider, billed per hour, always on
    SELF_HOSTED = "self_hosted"  # GPUs in the client's own cloud, billed per hour, plus upkeep


@dataclass(frozen=True, slots=True)
class Source:
    """Where a figure comes from and when it was checked there."""

    url: str
    checked_on: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class InferenceModel:
    """A model a prompting solution can run on."""

    key: str  # "google/gemini-3.5-flash-lite": provider/model, stable across catalogue editions
    provider: str  # "Google"
    model: str  # the provider's model id
    label: str  # how a client reads it: "Gemini 3.5 Flash-Lite"
    tier: Tier
    input_per_mtok: float
    cached_input_per_mtok: float | None  # None: the provider does not cache prompts
    output_per_mtok: float
    batch_discount: float | None  # share off with the provider's batch API; None: no batch API
    min_cached_prompt_tokens: int  # prompts shorter than this are not cached
    in_client_cloud: bool  # can run inside a client's own cloud account (or self-hosted)
    retires_on: date | None
    successor: str | None  # the key of the model the provider names as replacement
    price_source: Source  # the page the prices come from
    sources: Mapping[str, Source]  # every figure's source, by figure name


@dataclass(frozen=True, slots=True)
class TuningOffer:
    """A way to tune a model and serve the tuned model."""

    key: str  # "fireworks/lora-8b"
    provider: str
    label: str  # "LoRA adapter on an 8B open-weight model, served on a dedicated GPU"
    base_model: str  # what is tuned, as a client reads it
    method: TuningMethod
    serving: Serving
    training_per_mtok: float  # per million training tokens (examples x epochs)
    tuned_input_per_mtok: float | None  # per-token serving only
    tuned_output_per_mtok: float | None
    gpu_hour: float | None  # dedicated and self-hosted serving: one GPU for one hour
    tokens_per_second_per_gpu: float | None  # what one GPU serves at a steady load
    in_client_cloud: bool
    available_until: date | None  # the last day new tuning jobs can be started
    retires_on: date | None  # the day tuned models stop being served
    successor: str | None
    price_source: Source
    sources: Mapping[str, Source]


@dataclass(frozen=True, slots=True)
class Unavailable:
    """An offer a client may have heard of that new work cannot use, and why."""

    key: str
    label: str  # "OpenAI fine-tuning of gpt-4.1-mini"
    reason: str  # "New jobs end on 6 January 2027; tuned models stop on 14 January 2027."
    ends_on: date | None
    source: Source


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every entry, checked as of `checked_on`. Offers that new work cannot use, or that no
    checked source prices, are not in `tuning`; they are listed in `unavailable` with why."""

    checked_on: date
    inference: Mapping[str, InferenceModel]
    tuning: Mapping[str, TuningOffer]
    unavailable: Mapping[str, Unavailable]

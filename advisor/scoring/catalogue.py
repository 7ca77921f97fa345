"""The model catalogue: what each provider's models cost to prompt and to tune, until when.

A dated data file (catalogue.json, beside this module) lists one entry per provider model or
tuning offer, every figure with its source and the day it was checked. Prices are in US
dollars per million tokens unless a name says otherwise. The engine prices prompting and
tuning on entries from here, and says which (`priced_on`), so a cost is never detached from
the offer it assumes or from the date that offer ends.

Pure Python: the file is read once per process with the standard library, and checked
strictly: a wrong file stops the engine with a message naming the entry and the field.
"""

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Final, TypeVar


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
    prices_from: date | None = None  # an announced price change the prices already include


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
    gpu: str | None = None  # the GPU that gpu_hour and tokens_per_second_per_gpu refer to


@dataclass(frozen=True, slots=True)
class Unavailable:
    """An offer a client may have heard of that new work cannot use, and why."""

    key: str
    label: str  # "OpenAI fine-tuning of gpt-4.1-mini"
    reason: str  # "New jobs end on 6 January 2027; tuned models stop on 14 January 2027."
    ends_on: date | None
    source: Source
    no_date_reason: str = ""  # why ends_on is None; empty when there is a date


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every entry, checked as of `checked_on`. Offers that new work cannot use, or that no
    checked source prices, are not in `tuning`; they are listed in `unavailable` with why."""

    checked_on: date
    inference: Mapping[str, InferenceModel]
    tuning: Mapping[str, TuningOffer]
    unavailable: Mapping[str, Unavailable]


CATALOGUE_FILE: Final = "catalogue.json"

_KEY = re.compile(r"[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9.-]*")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# Figures every entry must source, and those sourced only when they have a value.
_INFERENCE_SOURCES: Final = frozenset({"prices", "min_cached_prompt_tokens", "in_client_cloud"})
_INFERENCE_SOURCES_IF_SET: Final = frozenset({"batch_discount", "retires_on", "successor"})
_TUNING_SOURCES: Final = frozenset({"training_per_mtok", "serving", "in_client_cloud"})
_TUNING_SOURCES_IF_SET: Final = frozenset(
    {
        "tuned_prices",
        "gpu_hour",
        "tokens_per_second_per_gpu",
        "available_until",
        "retires_on",
        "successor",
    }
)

_E = TypeVar("_E", bound=StrEnum)


class CatalogueError(ValueError):
    """The catalogue file is wrong; the message names the entry and the field."""


@cache
def load_catalogue() -> Catalogue:
    """The product's catalogue, read and checked once per process."""
    text = resources.files(__package__).joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
    return parse_catalogue(text)


def read_catalogue(path: Path) -> Catalogue:
    """Read and check a catalogue file at `path` (a draft edition, or a test's copy)."""
    return parse_catalogue(path.read_text(encoding="utf-8"))


def parse_catalogue(text: str) -> Catalogue:
    """Check a catalogue's JSON text strictly and return it; raise `CatalogueError` if wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogueError(f"{CATALOGUE_FILE} is not valid JSON: {error}") from None
    top = _Fields(data, CATALOGUE_FILE)
    top.optional_text("about")
    checked_on = top.day("checked_on")
    inference = _entries(top, "inference", lambda e, k: _inference_model(e, k, checked_on))
    tuning = _entries(top, "tuning", lambda e, k: _tuning_offer(e, k, checked_on))
    unavailable = _entries(top, "unavailable", lambda e, k: _unavailable(e, k, checked_on))
    top.finish()
    _check_successors("inference", inference)
    _check_successors("tuning", tuning)
    return Catalogue(
        checked_on=checked_on,
        inference=MappingProxyType(inference),
        tuning=MappingProxyType(tuning),
        unavailable=MappingProxyType(unavailable),
    )


class _Fields:
    """One JSON object being read; each accessor's error names the entry and the field."""

    def __init__(self, data: object, entry: str, prefix: str = "") -> None:
        if not isinstance(data, dict):
            where = f"{entry}: {prefix.rstrip('.')}" if prefix else entry
            raise CatalogueError(f"{where} must be an object")
        self._data: dict[str, object] = data
        self._entry = entry
        self._prefix = prefix
        self._read: set[str] = set()

    def error(self, name: str, problem: str) -> CatalogueError:
        return CatalogueError(f"{self._entry}: {self._prefix}{name} {problem}")

    def names(self) -> list[str]:
        return sorted(self._data)

    def value(self, name: str, *, required: bool = True) -> object:
        self._read.add(name)
        if name not in self._data:
            if required:
                raise self.error(name, "is missing")
            return None
        return self._data[name]

    def child(self, name: str) -> "_Fields":
        return _Fields(self.value(name), self._entry, f"{self._prefix}{name}.")

    def text(self, name: str) -> str:
        value = self.value(name)
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, "must be a non-empty text")
        return value

    def optional_text(self, name: str) -> str | None:
        return None if self.value(name, required=False) is None else self.text(name)

    def number(self, name: str) -> float:
        value = self.value(name)
        # bool is an int in Python; a price of `true` is a typo, not 1.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(name, "must be a number")
        if not math.isfinite(value) or value <= 0:
            raise self.error(name, "must be a positive number")
        return float(value)

    def optional_number(self, name: str) -> float | None:
        return None if self.value(name) is None else self.number(name)

    def count(self, name: str) -> int:
        value = self.value(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(name, "must be a whole number, 0 or more")
        return value

    def flag(self, name: str) -> bool:
        value = self.value(name)
        if not isinstance(value, bool):
            raise self.error(name, "must be true or false")
        return value

    def day(self, name: str) -> date:
        value = self.value(name)
        if isinstance(value, str) and _ISO_DAY.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.error(name, "must be a date written YYYY-MM-DD")

    def optional_day(self, name: str, *, required: bool = True) -> date | None:
        return None if self.value(name, required=required) is None else self.day(name)

    def choice(self, name: str, kind: type[_E]) -> _E:
        value = self.value(name)
        allowed = [member.value for member in kind]
        if value not in allowed:
            raise self.error(name, f"must be one of {', '.join(allowed)}")
        return kind(value)

    def finish(self) -> None:
        if unknown := sorted(set(self._data) - self._read):
            raise self.error(", ".join(unknown), "is not a known field")


def _entries[T](top: _Fields, section: str, read: Callable[[_Fields, str], T]) -> dict[str, T]:
    group = top.child(section)
    entries: dict[str, T] = {}
    for key in group.names():
        if not _KEY.fullmatch(key):
            raise CatalogueError(
                f"{section} {key!r}: the key must read provider/name, in lower case"
            )
        entries[key] = read(_Fields(group.value(key), f"{section} {key!r}"), key)
    group.finish()
    return entries


def _source(fields: _Fields, checked_on: date) -> Source:
    url = fields.text("url")
    if not url.startswith("https://") or any(c.isspace() for c in url):
        raise fields.error("url", "must be an https:// address")
    day = fields.day("checked_on")
    if day > checked_on:
        raise fields.error("checked_on", f"is after the catalogue's checked_on ({checked_on})")
    note = fields.optional_text("note") or ""
    fields.finish()
    return Source(url=url, checked_on=day, note=note)


def _sources(
    entry: _Fields, checked_on: date, required: frozenset[str], optional: frozenset[str]
) -> dict[str, Source]:
    group = entry.child("sources")
    names = set(group.names())
    if missing := sorted(required - names):
        raise entry.error("sources", f"has no source for {', '.join(missing)}")
    if unknown := sorted(names - required - optional):
        raise entry.error("sources", f"names figures it does not have: {', '.join(unknown)}")
    sources = {name: _source(group.child(name), checked_on) for name in sorted(names)}
    group.finish()
    return sources


def _sourced_if_set(entry: _Fields, candidates: frozenset[str]) -> frozenset[str]:
    """The figures among `candidates` that hold a value, so must name a source."""
    return frozenset(name for name in candidates if entry.value(name) is not None)


def _inference_model(entry: _Fields, key: str, checked_on: date) -> InferenceModel:
    prices_from = entry.optional_day("prices_from", required=False)
    if prices_from is not None and prices_from <= checked_on:
        raise entry.error("prices_from", "is already past: fold the new prices in and drop it")
    batch_discount = entry.optional_number("batch_discount")
    if batch_discount is not None and batch_discount >= 1:
        raise entry.error("batch_discount", "must be a share below 1, such as 0.5")
    required = _INFERENCE_SOURCES | _sourced_if_set(entry, _INFERENCE_SOURCES_IF_SET)
    sources = _sources(entry, checked_on, required, _INFERENCE_SOURCES_IF_SET)
    model = InferenceModel(
        key=key,
        provider=entry.text("provider"),
        model=entry.text("model"),
        label=entry.text("label"),
        tier=entry.choice("tier", Tier),
        input_per_mtok=entry.number("input_per_mtok"),
        cached_input_per_mtok=entry.optional_number("cached_input_per_mtok"),
        output_per_mtok=entry.number("output_per_mtok"),
        batch_discount=batch_discount,
        min_cached_prompt_tokens=entry.count("min_cached_prompt_tokens"),
        in_client_cloud=entry.flag("in_client_cloud"),
        retires_on=entry.optional_day("retires_on"),
        successor=entry.optional_text("successor"),
        price_source=sources["prices"],
        sources=MappingProxyType(sources),
        prices_from=prices_from,
    )
    entry.finish()
    return model


def _tuning_offer(entry: _Fields, key: str, checked_on: date) -> TuningOffer:
    required = _TUNING_SOURCES | _sourced_if_set(entry, _TUNING_SOURCES_IF_SET - {"tuned_prices"})
    if entry.value("tuned_input_per_mtok") is not None:
        required |= {"tuned_prices"}
    sources = _sources(entry, checked_on, required, _TUNING_SOURCES_IF_SET)
    offer = TuningOffer(
        key=key,
        provider=entry.text("provider"),
        label=entry.text("label"),
        base_model=entry.text("base_model"),
        method=entry.choice("method", TuningMethod),
        serving=entry.choice("serving", Serving),
        training_per_mtok=entry.number("training_per_mtok"),
        tuned_input_per_mtok=entry.optional_number("tuned_input_per_mtok"),
        tuned_output_per_mtok=entry.optional_number("tuned_output_per_mtok"),
        gpu_hour=entry.optional_number("gpu_hour"),
        tokens_per_second_per_gpu=entry.optional_number("tokens_per_second_per_gpu"),
        in_client_cloud=entry.flag("in_client_cloud"),
        available_until=entry.optional_day("available_until"),
        retires_on=entry.optional_day("retires_on"),
        successor=entry.optional_text("successor"),
        price_source=sources["training_per_mtok"],
        sources=MappingProxyType(sources),
        gpu=entry.optional_text("gpu"),
    )
    entry.finish()
    _check_serving(entry, offer)
    return offer


def _check_serving(entry: _Fields, offer: TuningOffer) -> None:
    per_token = (offer.tuned_input_per_mtok, offer.tuned_output_per_mtok)
    per_gpu = (offer.gpu, offer.gpu_hour, offer.tokens_per_second_per_gpu)
    if offer.serving is Serving.PER_TOKEN:
        if None in per_token or any(figure is not None for figure in per_gpu):
            raise entry.error(
                "serving", "per_token needs tuned_input_per_mtok and tuned_output_per_mtok only"
            )
    elif None in per_gpu or any(figure is not None for figure in per_token):
        raise entry.error(
            "serving", f"{offer.serving} needs gpu, gpu_hour and tokens_per_second_per_gpu only"
        )
    if offer.serving is Serving.SELF_HOSTED and not offer.in_client_cloud:
        raise entry.error("in_client_cloud", "must be true for a self-hosted offer")
    until, retires = offer.available_until, offer.retires_on
    if until is not None and retires is not None and until > retires:
        raise entry.error("available_until", "is after retires_on")


def _unavailable(entry: _Fields, key: str, checked_on: date) -> Unavailable:
    ends_on = entry.optional_day("ends_on")
    no_date_reason = entry.optional_text("no_date_reason") or ""
    if ends_on is None and not no_date_reason:
        raise entry.error("no_date_reason", "must say why there is no ends_on date")
    if ends_on is not None and no_date_reason:
        raise entry.error("no_date_reason", "must be left out when ends_on has a date")
    item = Unavailable(
        key=key,
        label=entry.text("label"),
        reason=entry.text("reason"),
        ends_on=ends_on,
        source=_source(entry.child("source"), checked_on),
        no_date_reason=no_date_reason,
    )
    entry.finish()
    return item


def _check_successors(section: str, entries: Mapping[str, InferenceModel | TuningOffer]) -> None:
    for key, entry in entries.items():
        if entry.successor is None:
            continue
        successor = entries.get(entry.successor)
        where = f"{section} {key!r}: successor"
        if successor is None or successor is entry:
            raise CatalogueError(f"{where} {entry.successor!r} is not another {section} entry")
        if successor.retires_on is not None and (
            entry.retires_on is None or successor.retires_on < entry.retires_on
        ):
            raise CatalogueError(f"{where} {entry.successor!r} retires before this entry")

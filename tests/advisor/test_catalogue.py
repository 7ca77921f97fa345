"""The model catalogue: its data agrees with its sources and a wrong file is refused."""

import copy
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import genai_prices
import pytest

from advisor.scoring.catalogue import (
    CATALOGUE_FILE,
    Catalogue,
    CatalogueError,
    InferenceModel,
    Serving,
    Source,
    Tier,
    TuningOffer,
    load_catalogue,
    read_catalogue,
)

CATALOGUE = load_catalogue()
RAW: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "advisor" / "scoring" / CATALOGUE_FILE).read_text()
)

# Inference models genai-prices 0.2.3 does not price; every other one must agree with it.
NOT_IN_GENAI_PRICES: frozenset[str] = frozenset()

# Small enough to stay below every long-prompt surcharge (Haiku 5.5's starts at 100,000).
SAMPLE_TOKENS = 10_000


def _all_sources(catalogue: Catalogue) -> list[tuple[str, Source]]:
    entries: list[InferenceModel | TuningOffer] = [
        *catalogue.inference.values(),
        *catalogue.tuning.values(),
    ]
    return [
        *((f"{e.key} {name}", source) for e in entries for name, source in e.sources.items()),
        *((key, item.source) for key, item in catalogue.unavailable.items()),
    ]


def test_the_catalogue_loads_dated_with_models_offers_and_what_is_unavailable() -> None:
    assert CATALOGUE.checked_on == date(2026, 11, 29)
    assert load_catalogue() is CATALOGUE  # read once per process
    for tier in Tier:
        for provider in ("openai", "google", "anthropic"):
            assert any(
                key.startswith(f"{provider}/") and model.tier is tier and model.retires_on is None
                for key, model in CATALOGUE.inference.items()
            ), f"no current {tier} model from {provider}"
    assert {"fireworks/lora-8b", "fireworks/full-8b", "self-hosted/lora-8b-a10g"} <= set(
        CATALOGUE.tuning
    )
    assert "openai/fine-tuning" in CATALOGUE.unavailable


@pytest.mark.parametrize("key", sorted(CATALOGUE.inference))
def test_inference_prices_agree_with_genai_prices(key: str) -> None:
    model = CATALOGUE.inference[key]
    if key in NOT_IN_GENAI_PRICES:
        pytest.skip("genai-prices has no price for this model")
    standard, cached, batch = _genai_prices(key, model)

    assert (model.input_per_mtok, model.output_per_mtok) == standard
    assert model.cached_input_per_mtok == cached
    # Where genai-prices models a batch price, the discount is the same.
    if batch != standard:
        assert model.batch_discount is not None
        share_paid = 1 - model.batch_discount
        assert batch[0] == pytest.approx(model.input_per_mtok * share_paid)
        assert batch[1] == pytest.approx(model.output_per_mtok * share_paid)


def _genai_prices(
    key: str, model: InferenceModel
) -> tuple[tuple[float, float], float, tuple[float, float]]:
    """Standard (input, output), cached input and batch (input, output) per million tokens."""
    day = model.prices_from or CATALOGUE.checked_on  # the day the listed prices hold
    per_million = Decimal(1_000_000) / SAMPLE_TOKENS

    def price(**usage: Any) -> Any:
        context = usage.pop("context", None)
        return genai_prices.calc_price(
            genai_prices.Usage(**usage),
            model_ref=model.model,
            provider_id=key.split("/")[0],
            genai_request_timestamp=datetime.combine(day, time(12), tzinfo=UTC),
            price_context=context,
        )

    sample = {"input_tokens": SAMPLE_TOKENS, "output_tokens": SAMPLE_TOKENS}
    plain = price(**sample)
    cached = price(input_tokens=SAMPLE_TOKENS, cache_read_tokens=SAMPLE_TOKENS)
    batch = price(**sample, context={"processing": "batch"})
    return (
        (float(plain.input_price * per_million), float(plain.output_price * per_million)),
        float(cached.input_price * per_million),
        (float(batch.input_price * per_million), float(batch.output_price * per_million)),
    )


def test_every_figure_has_an_https_source_checked_by_the_catalogue_date() -> None:
    sources = _all_sources(CATALOGUE)
    assert len(sources) > 80
    for where, source in sources:
        assert source.url.startswith("https://"), where
        assert source.checked_on <= CATALOGUE.checked_on, where
        # Client documents cite providers' pages, never a package.
        assert "genai" not in f"{source.url} {source.note}".lower(), where


def test_each_inference_figure_names_its_own_source() -> None:
    for key, model in CATALOGUE.inference.items():
        expected = {"prices", "min_cached_prompt_tokens", "in_client_cloud"}
        expected |= {
            name
            for name in ("batch_discount", "retires_on", "successor")
            if getattr(model, name) is not None
        }
        assert expected <= set(model.sources), key
        assert model.price_source is model.sources["prices"]


def test_successors_exist_and_do_not_retire_before_their_predecessor() -> None:
    for section in (CATALOGUE.inference, CATALOGUE.tuning):
        for key, entry in section.items():
            if entry.successor is None:
                continue
            successor = section[entry.successor]
            assert successor.key != key
            assert successor.retires_on is None or (
                entry.retires_on is not None and successor.retires_on >= entry.retires_on
            )


def test_the_retiring_models_a_client_uses_today_carry_their_date_and_successor() -> None:
    retiring = {key: model.retires_on for key, model in CATALOGUE.inference.items()}
    for key in ("openai/gpt-4o", "openai/gpt-4o-mini", "openai/gpt-4.1", "openai/gpt-4.1-mini"):
        assert retiring[key] == date(2027, 1, 14)
        assert CATALOGUE.inference[key].successor == "openai/gpt-6-luna"
    for key in ("google/gemini-2.5-flash", "google/gemini-2.5-pro"):
        assert retiring[key] == date(2026, 12, 1)
        assert CATALOGUE.inference[key].successor is not None


def test_tuning_offers_price_their_serving_and_self_hosting_runs_in_the_client_cloud() -> None:
    for key, offer in CATALOGUE.tuning.items():
        assert offer.training_per_mtok > 0, key
        if offer.serving is Serving.PER_TOKEN:
            assert offer.tuned_input_per_mtok, key
            assert offer.tuned_output_per_mtok, key
        else:
            assert offer.gpu, key
            assert offer.gpu_hour, key
            assert offer.tokens_per_second_per_gpu, key
        assert offer.in_client_cloud == (offer.serving is Serving.SELF_HOSTED), key


def test_unavailable_entries_name_a_date_or_say_why_none() -> None:
    for key, item in CATALOGUE.unavailable.items():
        assert item.label, key
        assert item.reason, key
        assert (item.ends_on is None) == bool(item.no_date_reason), key
    assert CATALOGUE.unavailable["openai/fine-tuning"].ends_on == date(2027, 1, 6)


def _edit(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = copy.deepcopy(RAW)
    change(data)
    return data


def _gpt_4o(data: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = data["inference"]["openai/gpt-4o"]
    return entry


BROKEN_FILES: list[tuple[str, Callable[[dict[str, Any]], object], str]] = [
    (
        "missing source",
        lambda d: _gpt_4o(d)["sources"].pop("prices"),
        r"inference 'openai/gpt-4o': sources has no source for prices",
    ),
    (
        "bad date",
        lambda d: _gpt_4o(d).update(retires_on="14/01/2027"),
        r"inference 'openai/gpt-4o': retires_on must be a date written YYYY-MM-DD",
    ),
    (
        "impossible date",
        lambda d: _gpt_4o(d).update(retires_on="2027-02-30"),
        r"inference 'openai/gpt-4o': retires_on must be a date",
    ),
    (
        "dangling successor",
        lambda d: _gpt_4o(d).update(successor="openai/gpt-7"),
        r"inference 'openai/gpt-4o': successor 'openai/gpt-7' is not another inference entry",
    ),
    (
        "successor retiring first",
        lambda d: d["inference"]["openai/gpt-6-luna"].update(retires_on="2027-01-01"),
        r"inference 'openai/gpt-4[.a-z0-9-]*': successor 'openai/gpt-6-luna' retires before",
    ),
    (
        "negative price",
        lambda d: _gpt_4o(d).update(input_per_mtok=-2.5),
        r"inference 'openai/gpt-4o': input_per_mtok must be a positive number",
    ),
    (
        "price as text",
        lambda d: _gpt_4o(d).update(output_per_mtok="10"),
        r"inference 'openai/gpt-4o': output_per_mtok must be a number",
    ),
    (
        "source checked after the catalogue",
        lambda d: _gpt_4o(d)["sources"]["prices"].update(checked_on="2026-12-01"),
        r"inference 'openai/gpt-4o': sources\.prices\.checked_on is after",
    ),
    (
        "source without an address",
        lambda d: _gpt_4o(d)["sources"]["prices"].update(url="genai-prices 0.2.3"),
        r"inference 'openai/gpt-4o': sources\.prices\.url must be an https:// address",
    ),
    (
        "figure without a source",
        lambda d: _gpt_4o(d)["sources"].pop("retires_on"),
        r"inference 'openai/gpt-4o': sources has no source for retires_on",
    ),
    (
        "unknown field",
        lambda d: _gpt_4o(d).update(hosting_per_month=100),
        r"inference 'openai/gpt-4o': hosting_per_month is not a known field",
    ),
    (
        "unknown tier",
        lambda d: _gpt_4o(d).update(tier="medium"),
        r"inference 'openai/gpt-4o': tier must be one of small, large",
    ),
    (
        "price change already past",
        lambda d: d["inference"]["google/gemini-4-argon"].update(prices_from="2026-11-01"),
        r"inference 'google/gemini-4-argon': prices_from is already past",
    ),
    (
        "dedicated serving without a GPU price",
        lambda d: d["tuning"]["fireworks/lora-8b"].update(gpu_hour=None),
        r"tuning 'fireworks/lora-8b': (sources names figures|serving dedicated needs)",
    ),
    (
        "unavailable without a date or a reason",
        lambda d: d["unavailable"]["mistral/fine-tuning"].pop("no_date_reason"),
        r"unavailable 'mistral/fine-tuning': no_date_reason must say why",
    ),
    (
        "key not provider/model",
        lambda d: d["inference"].update({"GPT 4o": d["inference"]["openai/gpt-4o"]}),
        r"inference 'GPT 4o': the key must read provider/name",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, message, id=name) for name, change, message in BROKEN_FILES],
)
def test_a_wrong_file_is_refused_naming_the_entry_and_field(
    tmp_path: Path, change: Callable[[dict[str, Any]], object], message: str
) -> None:
    path = tmp_path / CATALOGUE_FILE
    path.write_text(json.dumps(_edit(change)))

    with pytest.raises(CatalogueError, match=message):
        read_catalogue(path)


def test_the_unchanged_copy_reads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / CATALOGUE_FILE
    path.write_text(json.dumps(RAW))

    assert read_catalogue(path) == CATALOGUE


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / CATALOGUE_FILE
    path.write_text('{"checked_on": "2026-11-29",')

    with pytest.raises(CatalogueError, match="is not valid JSON"):
        read_catalogue(path)

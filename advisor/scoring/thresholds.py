"""The framework's thresholds that several rules share, each with its reason."""

from typing import Final

MIN_TUNING_EXAMPLES: Final = 100  # framework step 3: below this, examples do better in a prompt
PREFERRED_TUNING_EXAMPLES: Final = 500  # framework: 500 to 1,000 make tuning dependable
FULL_FINE_TUNE_EXAMPLES: Final = 3_000  # retraining every weight needs thousands of examples
# The training sets priced: the top of the preferred range for an adapter, and the full-tuning
# threshold itself, so the rules and the costs speak of the same numbers.
ADAPTER_TRAINING_EXAMPLES: Final = 1_000
FEW_SHOT_EXAMPLES: Final = 3  # a handful of worked examples already lifts a structured task
SHORT_LAUNCH_WEEKS: Final = 4  # a tuning iteration takes days to weeks: no room before launch
LIMITED_LAUNCH_WEEKS: Final = 8  # room for a pilot, not for several training iterations
LONG_PROMPT_TOKENS: Final = 2_000  # a prompt this long is a real cost and delay on every request
TIGHT_LATENCY_MS: Final = 1_000  # under a second, a retrieval hop and a long prompt both show

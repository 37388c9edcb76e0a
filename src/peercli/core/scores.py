"""One score, shown one way everywhere: ``peer match``, ``peer referral list/show``, and JSON.

A match score is kept (stored with a referral, printed in JSON) to three decimals by
:func:`canonical_score`; people see it to two decimals by :func:`score_text`, rounded half up
from that same three-decimal value. So a score is 0.70 in ``peer match`` and 0.70 in
``peer referral list``, and never 0.69 in one of them through a second, different rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SCORE_DECIMALS = 3


def canonical_score(score: float) -> float:
    """The score as peer keeps and prints it in JSON: three decimals."""
    return round(float(score), SCORE_DECIMALS)


def score_text(score: float | None) -> str:
    """The score as a person reads it: "0.70" (two decimals, half up, from the canonical
    value); "" when there is none."""
    if score is None:
        return ""
    value = Decimal(repr(canonical_score(score)))
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

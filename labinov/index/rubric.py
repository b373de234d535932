"""The index rubric as data: one validator that lists every error, and the compiled form
that the score engine evaluates.

A rubric version is a JSON document (the shipped ones are in ``data/``). This module knows
the document's shape, never a number of any version: weights, levels, the divisor floor,
the maximum total, the count score and the category bands all come from the document.
"""

import datetime
import itertools
import math
from dataclasses import dataclass, field

#: Facts that Labinov can tell from its own records, named by an indicator's ``derive``
#: block (``labinov.index.facts`` computes them).
FACTS = (
    "team_size",
    "budget_years",
    "replications",
    "months_to_implementation",
    "people_served",
)
#: Count-score rules the engine knows how to apply.
COUNT_RULES = ("linear_capped", "linear_capped_gated")
#: Eligibility rules the engine knows how to apply; other keys may only carry a note (text).
ELIGIBILITY_RULES = ("penerapan_window", "rancang_bangun_min_words")
#: Indicators with this scope are answered for each innovation; the others once per region.
PER_INNOVATION = "per innovation"
#: Bands are compared at the index's own precision (two decimals).
PRECISION = 2
STEP = 10**-PRECISION
EPS = 1e-9


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _close(a, b) -> bool:
    return abs(a - b) <= 1e-6


def _levels_errors(levels, where, weight, errors) -> int | None:
    """Check a list of levels; return the highest level value, or None if unusable."""
    if not isinstance(levels, list) or not levels:
        errors.append(f"{where}: levels must be a non-empty list")
        return None
    values = []
    for n, level in enumerate(levels):
        at = f"{where}.levels[{n}]"
        if not isinstance(level, dict):
            errors.append(f"{at}: must be an object")
            continue
        value = level.get("value")
        if not _is_int(value) or value < 1:
            errors.append(f"{at}: value must be a whole number of 1 or more")
            continue
        if not isinstance(level.get("description"), str) or not level["description"].strip():
            errors.append(f"{at}: description is missing")
        if (
            "score" in level
            and weight is not None
            and (not _is_number(level["score"]) or not _close(level["score"], weight * value))
        ):
            errors.append(f"{at}: score {level.get('score')} is not weight x value")
        values.append(value)
    if len(values) != len(set(values)):
        errors.append(f"{where}: level values repeat")
    return max(values) if values else None


def _derive_errors(derive, where, level_values, errors) -> None:
    if not isinstance(derive, dict):
        errors.append(f"{where}.derive: must be an object")
        return
    if derive.get("from") not in FACTS:
        errors.append(f"{where}.derive.from: must be one of {', '.join(FACTS)}")
    bands = derive.get("levels")
    if not isinstance(bands, list) or not bands:
        errors.append(f"{where}.derive.levels: must be a non-empty list")
        return
    for n, band in enumerate(bands):
        at = f"{where}.derive.levels[{n}]"
        if not isinstance(band, dict):
            errors.append(f"{at}: must be an object")
            continue
        if band.get("value") not in level_values:
            errors.append(f"{at}: value {band.get('value')!r} is not a level of the indicator")
        low, high = band.get("min"), band.get("max")
        if not _is_number(low):
            errors.append(f"{at}: min must be a number")
        if high is not None and (not _is_number(high) or (_is_number(low) and high < low)):
            errors.append(f"{at}: max must be a number not below min")


def validate(data) -> list[str]:
    """Every error of a rubric document, each naming where it is; empty when it is valid."""
    if not isinstance(data, dict):
        return ["the rubric must be a JSON object"]
    errors: list[str] = []
    rubric_id = data.get("rubric_id")
    if not isinstance(rubric_id, str) or not rubric_id.strip() or len(rubric_id) > 40:
        errors.append("rubric_id: a version id of at most 40 characters is required, e.g. IID-2026")

    aspects = data.get("aspects")
    aspect_max: dict[str, float] = {}
    if not isinstance(aspects, list) or not aspects:
        errors.append("aspects: must be a non-empty list")
        aspects = []
    for n, aspect in enumerate(aspects):
        at = f"aspects[{n}]"
        if not isinstance(aspect, dict) or not isinstance(aspect.get("code"), str):
            errors.append(f"{at}: needs a code")
            continue
        if aspect["code"] in aspect_max:
            errors.append(f"{at}: code {aspect['code']} repeats")
        if not isinstance(aspect.get("name"), str) or not aspect["name"].strip():
            errors.append(f"{at}: name is missing")
        if not _is_number(aspect.get("max_score")) or aspect["max_score"] < 0:
            errors.append(f"{at}: max_score must be a number of 0 or more")
            aspect_max[aspect["code"]] = math.nan
        else:
            aspect_max[aspect["code"]] = aspect["max_score"]

    variables = data.get("variables", [])
    variable_aspect: dict[str, str] = {}
    if not isinstance(variables, list):
        errors.append("variables: must be a list")
        variables = []
    for n, variable in enumerate(variables):
        at = f"variables[{n}]"
        if not isinstance(variable, dict) or not isinstance(variable.get("code"), str):
            errors.append(f"{at}: needs a code")
            continue
        if variable["code"] in variable_aspect:
            errors.append(f"{at}: code {variable['code']} repeats")
        if variable.get("aspect") not in aspect_max:
            errors.append(f"{at}: aspect {variable.get('aspect')!r} is not one of the aspects")
        variable_aspect[variable["code"]] = variable.get("aspect")

    count = data.get("count_score")
    count_number = count.get("number") if isinstance(count, dict) else None
    indicators = data.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        errors.append("indicators: must be a non-empty list")
        indicators = []
    numbers, codes, keys = set(), set(), set()
    sums: dict[str, float] = dict.fromkeys(aspect_max, 0.0)
    count_indicators = 0
    for n, ind in enumerate(indicators):
        if not isinstance(ind, dict):
            errors.append(f"indicators[{n}]: must be an object")
            continue
        where = f"indicators[{n}] ({ind.get('code', '?')})"
        if not _is_int(ind.get("number")):
            errors.append(f"{where}: number must be a whole number")
        elif ind["number"] in numbers:
            errors.append(f"{where}: number {ind['number']} repeats")
        numbers.add(ind.get("number"))
        code = ind.get("code")
        if not isinstance(code, str) or not code.strip():
            errors.append(f"{where}: code is missing")
        elif code in codes:
            errors.append(f"{where}: code {code} repeats")
        codes.add(code)
        if not isinstance(ind.get("name"), str) or not ind["name"].strip():
            errors.append(f"{where}: name is missing")
        aspect = ind.get("aspect")
        if aspect not in aspect_max:
            errors.append(f"{where}: aspect {aspect!r} is not one of the aspects")
        variable = ind.get("variable")
        if variable is not None and variable_aspect and variable not in variable_aspect:
            errors.append(f"{where}: variable {variable!r} is not one of the variables")
        elif variable in variable_aspect and variable_aspect[variable] != aspect:
            errors.append(f"{where}: variable {variable} belongs to another aspect")
        if "rule" in ind:
            count_indicators += 1
            if ind.get("number") != count_number:
                errors.append(f"{where}: has a rule but count_score names indicator {count_number}")
            continue
        weight = ind.get("weight")
        if not _is_number(weight) or weight <= 0:
            errors.append(f"{where}: weight must be a positive number")
            weight = None
        evidence = ind.get("evidence")
        if not isinstance(evidence, dict) or not str(evidence.get("bukti_dukung", "")).strip():
            errors.append(f"{where}: evidence.bukti_dukung (the evidence required) is missing")
        rows = ind.get("scoring_rows")
        top_total = 0.0
        if rows is not None:
            if not isinstance(rows, list) or not rows:
                errors.append(f"{where}: scoring_rows must be a non-empty list")
                rows = []
            row_weights = 0.0
            for r, row in enumerate(rows):
                at = f"{where}.scoring_rows[{r}]"
                if not isinstance(row, dict) or not isinstance(row.get("code"), str):
                    errors.append(f"{at}: needs a code")
                    continue
                key = f"{code}.{row['code']}"
                if key in keys:
                    errors.append(f"{at}: code {row['code']} repeats")
                keys.add(key)
                row_weight = row.get("weight")
                if not _is_number(row_weight) or row_weight <= 0:
                    errors.append(f"{at}: weight must be a positive number")
                    continue
                row_weights += row_weight
                top = _levels_errors(row.get("levels"), at, row_weight, errors)
                if top is not None:
                    top_total += row_weight * top
                    if "max_score" in row and not _close(row["max_score"], row_weight * top):
                        errors.append(f"{at}: max_score is not weight x the highest level")
            if weight is not None and not _close(row_weights, weight):
                errors.append(f"{where}: the weights of its scoring_rows do not add up to {weight}")
        else:
            keys.add(code)
            top = _levels_errors(ind.get("levels"), where, weight, errors)
            if top is not None and weight is not None:
                top_total = weight * top
            if "derive" in ind:
                values = {lv.get("value") for lv in ind.get("levels") or [] if isinstance(lv, dict)}
                _derive_errors(ind["derive"], where, values, errors)
        if "max_score" in ind and top_total and not _close(ind["max_score"], top_total):
            errors.append(f"{where}: max_score {ind['max_score']} is not {top_total:g}")
        if aspect in sums:
            sums[aspect] += top_total

    formula = data.get("formula")
    if not isinstance(formula, dict):
        errors.append("formula: must be an object")
        formula = {}
    floor = formula.get("divisor_floor")
    if not _is_int(floor) or floor < 1:
        errors.append("formula.divisor_floor: must be a whole number of 1 or more")
    schedule = formula.get("divisor_floor_schedule", {})
    if not isinstance(schedule, dict) or not all(
        str(year).isdigit() and _is_int(value) and value >= 1 for year, value in schedule.items()
    ):
        errors.append(
            "formula.divisor_floor_schedule: must map years to whole numbers of 1 or more"
        )
    max_total = formula.get("max_total")
    if not _is_number(max_total) or max_total <= 0:
        errors.append("formula.max_total: must be a positive number")
        max_total = None
    eligibility = formula.get("eligibility", {})
    if not isinstance(eligibility, dict):
        errors.append("formula.eligibility: must be an object")
        eligibility = {}
    for key, value in eligibility.items():
        at = f"formula.eligibility.{key}"
        if key == "penerapan_window":
            days = [_date(v) for v in value] if isinstance(value, list) else []
            if len(days) != 2 or None in days or days[0] > days[1]:
                errors.append(f"{at}: must be [first day, last day] as ISO dates, in order")
        elif key == "rancang_bangun_min_words":
            if not _is_int(value) or value < 0:
                errors.append(f"{at}: must be a whole number of 0 or more")
        elif not isinstance(value, str):
            errors.append(f"{at}: unknown rule (known: {', '.join(ELIGIBILITY_RULES)})")

    count_max = 0.0
    if not isinstance(count, dict):
        errors.append("count_score: must be an object")
    else:
        if count_indicators != 1:
            errors.append("count_score: exactly one indicator must carry the count rule")
        if count.get("aspect") not in aspect_max:
            errors.append("count_score.aspect: is not one of the aspects")
        rule = count.get("rule")
        if not isinstance(rule, dict) or rule.get("type") not in COUNT_RULES:
            errors.append(f"count_score.rule.type: must be one of {', '.join(COUNT_RULES)}")
        else:
            per, cap, top = (
                rule.get("per_innovation"),
                rule.get("cap_innovations"),
                rule.get("max_score"),
            )
            if not _is_number(per) or per <= 0:
                errors.append("count_score.rule.per_innovation: must be a positive number")
            if not _is_int(cap) or cap < 1:
                errors.append(
                    "count_score.rule.cap_innovations: must be a whole number of 1 or more"
                )
            if not _is_number(top) or top < 0:
                errors.append("count_score.rule.max_score: must be a number of 0 or more")
            else:
                count_max = top
                if _is_number(per) and _is_int(cap) and not _close(per * cap, top):
                    errors.append(
                        "count_score.rule.max_score: is not per_innovation x cap_innovations"
                    )
            if rule["type"] == "linear_capped_gated":
                gate = rule.get("gate")
                if not isinstance(gate, dict):
                    errors.append("count_score.rule.gate: must be an object")
                else:
                    urusan = gate.get("urusan")
                    least = gate.get("urusan_wajib_pelayanan_dasar_min")
                    if (
                        not isinstance(urusan, list)
                        or not urusan
                        or not all(isinstance(u, str) and u.strip() for u in urusan)
                    ):
                        errors.append("count_score.rule.gate.urusan: must list the affairs")
                        urusan = []
                    if not _is_int(least) or not 0 <= least <= len(urusan):
                        errors.append(
                            "count_score.rule.gate.urusan_wajib_pelayanan_dasar_min: must be a "
                            "whole number no larger than the affairs listed"
                        )
                    if gate.get("of") is not None and gate.get("of") != len(urusan):
                        errors.append("count_score.rule.gate.of: is not the number of affairs")
                    if not _is_number(gate.get("fail_score")) or gate["fail_score"] < 0:
                        errors.append("count_score.rule.gate.fail_score: must be a number")
        if count.get("aspect") in sums:
            sums[count["aspect"]] += count_max

    for code, expected in aspect_max.items():
        if not math.isnan(expected) and not _close(sums.get(code, 0.0), expected):
            errors.append(
                f"aspects ({code}): max_score {expected:g} is not the sum of its indicators' "
                f"highest scores ({sums.get(code, 0.0):g})"
            )
    known = not any(math.isnan(v) for v in aspect_max.values())
    if max_total is not None and known and not _close(sum(aspect_max.values()), max_total):
        errors.append(
            f"formula.max_total: {max_total:g} is not the sum of the aspects' max_score "
            f"({sum(aspect_max.values()):g})"
        )

    errors.extend(_band_errors(data.get("categories")))
    return errors


def _band_errors(bands) -> list[str]:
    errors = []
    if not isinstance(bands, list) or not bands:
        return ["categories: must be a non-empty list"]
    good = []
    for n, band in enumerate(bands):
        at = f"categories[{n}]"
        if not isinstance(band, dict) or not isinstance(band.get("name"), str):
            errors.append(f"{at}: needs a name")
            continue
        low, high = band.get("min"), band.get("max")
        if not (_is_number(low) and _is_number(high) and 0 <= low <= high <= 100):
            errors.append(
                f"{at} ({band['name']}): min and max must be numbers, 0 <= min <= max <= 100"
            )
            continue
        good.append((low, high, band["name"]))
    if errors:
        return errors
    good.sort()
    if not _close(good[0][0], 0) or not _close(good[-1][1], 100):
        errors.append("categories: the bands must cover the index from 0 to 100")
    for (_l1, h1, n1), (l2, _h2, n2) in itertools.pairwise(good):
        if l2 <= h1 + EPS:
            errors.append(f"categories: {n1} and {n2} overlap")
        elif l2 - h1 > STEP + EPS:
            errors.append(f"categories: a gap between {n1} and {n2}")
    return errors


# -- the compiled form ---------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One answer of the assessment: an indicator, or one scoring row of it."""

    key: str
    indicator: str
    number: int
    name: str
    aspect: str
    weight: float
    top: int
    levels: tuple
    evidence: str
    per_innovation: bool
    derive: dict | None = None


@dataclass(frozen=True)
class Band:
    name: str
    low: float
    high: float


@dataclass(frozen=True)
class Model:
    rubric_id: str
    region_items: tuple
    innovation_items: tuple
    aspects: tuple  # (code, name, max)
    max_total: float
    divisor_floor: int
    floor_schedule: dict
    count_aspect: str
    count_rule: dict
    bands: tuple
    eligibility: dict
    items_by_key: dict = field(default_factory=dict)
    #: (aspect, ((key, weight), ...)) of the innovation items: the engine's inner loop.
    innovation_plan: tuple = ()

    def floor_for(self, year: int) -> int:
        return int(self.floor_schedule.get(str(year), self.divisor_floor))

    def item(self, key: str) -> Item | None:
        return self.items_by_key.get(key)


def compile_rubric(data: dict) -> Model:
    """The engine's form of a valid rubric (call ``validate`` first)."""
    region_items, innovation_items = [], []
    for ind in sorted(data["indicators"], key=lambda i: i["number"]):
        if "rule" in ind:
            continue
        per_innovation = ind.get("scope") == PER_INNOVATION
        evidence = str(ind.get("evidence", {}).get("bukti_dukung", ""))
        rows = ind.get("scoring_rows")
        parts = (
            [
                (
                    f"{ind['code']}.{r['code']}",
                    f"{ind['name']} ({r['code']})" if len(rows) > 1 else ind["name"],
                    r,
                )
                for r in rows
            ]
            if rows
            else [(ind["code"], ind["name"], ind)]
        )
        for key, name, part in parts:
            levels = tuple((lv["value"], lv["description"]) for lv in part["levels"])
            item = Item(
                key=key,
                indicator=ind["code"],
                number=ind["number"],
                name=name,
                aspect=ind["aspect"],
                weight=float(part["weight"]),
                top=max(v for v, _d in levels),
                levels=levels,
                evidence=evidence,
                per_innovation=per_innovation,
                derive=None if rows else ind.get("derive"),
            )
            (innovation_items if per_innovation else region_items).append(item)
    count = data["count_score"]
    items = {i.key: i for i in (*region_items, *innovation_items)}
    return Model(
        rubric_id=data["rubric_id"],
        region_items=tuple(region_items),
        innovation_items=tuple(innovation_items),
        aspects=tuple((a["code"], a["name"], float(a["max_score"])) for a in data["aspects"]),
        max_total=float(data["formula"]["max_total"]),
        divisor_floor=int(data["formula"]["divisor_floor"]),
        floor_schedule=dict(data["formula"].get("divisor_floor_schedule", {})),
        count_aspect=count["aspect"],
        count_rule=dict(count["rule"]),
        bands=tuple(
            Band(b["name"], float(b["min"]), float(b["max"]))
            for b in sorted(data["categories"], key=lambda b: b["min"])
        ),
        eligibility=dict(data["formula"].get("eligibility", {})),
        items_by_key=items,
        innovation_plan=tuple(
            (code, tuple((i.key, i.weight) for i in innovation_items if i.aspect == code))
            for code in dict.fromkeys(i.aspect for i in innovation_items)
        ),
    )

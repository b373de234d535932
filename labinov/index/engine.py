"""The index's score engine: pure functions over plain data, so that a whole country is
scored in a fraction of a second and every figure can be checked by hand.

Answers are ``{item key: (level, has_evidence)}``. An answer without evidence scores 0, as
the national rule has it. The formula, with every number taken from the rubric:

- a region-level item scores weight x level; an aspect adds up its region-level items;
- each eligible innovation's items score weight x level; per aspect, the sum over the
  eligible innovations is divided by max(divisor floor of the year, n eligible);
- the count score (for n eligible innovations, by the rubric's rule) joins its aspect;
- total = the sum of the aspects; index = total / maximum total x 100, to two decimals;
- the category is the band that holds the index.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from labinov.index.rubric import PRECISION, Model


@dataclass
class InnovationInput:
    id: int
    name: str
    answers: dict  # key -> (level, has_evidence)
    affairs: str = ""
    reasons: list = field(default_factory=list)  # why it is not eligible; empty: eligible

    @property
    def eligible(self) -> bool:
        return not self.reasons


_QUANTUM = Decimal(1).scaleb(-PRECISION)


def round_index(value: float) -> float:
    """Two decimals, half up (34.995 is 35.00), as a person rounds before banding."""
    return float(Decimal(repr(value)).quantize(_QUANTUM, rounding=ROUND_HALF_UP))


def effective(answer) -> int:
    if not answer:
        return 0
    level, has_evidence = answer
    return level if has_evidence else 0


def count_score(model: Model, n: int, affairs: list[str]) -> float:
    rule = model.count_rule
    score = min(rule["per_innovation"] * min(n, rule["cap_innovations"]), rule["max_score"])
    gate = rule.get("gate")
    if gate:
        wanted = {u.casefold() for u in gate["urusan"]}
        held = {a.strip().casefold() for a in affairs} & wanted
        if len(held) < gate["urusan_wajib_pelayanan_dasar_min"]:
            return float(gate["fail_score"])
    return float(score)


def category(model: Model, index: float) -> str:
    for band in model.bands:
        if band.low <= index <= band.high:
            return band.name
    # Between two bands (only when a rubric leaves a gap finer than two decimals).
    below = [b for b in model.bands if b.low <= index]
    return below[-1].name if below else model.bands[0].name


def score(model: Model, region_answers: dict, innovations: list, year: int) -> dict:
    """The region's index and everything it is made of."""
    aspects = {code: 0.0 for code, _n, _m in model.aspects}
    for item in model.region_items:
        aspects[item.aspect] += item.weight * effective(region_answers.get(item.key))
    eligible = [i for i in innovations if not i.reasons]
    n = len(eligible)
    divisor = max(model.floor_for(year), n)
    sums = dict.fromkeys(aspects, 0.0)
    per_innovation = []
    plan = model.innovation_plan
    for innovation in eligible:
        answers = innovation.answers
        own = dict.fromkeys(aspects, 0.0)
        for aspect, rows in plan:
            subtotal = 0.0
            for key, weight in rows:
                answer = answers.get(key)
                if answer is not None and answer[1]:
                    subtotal += weight * answer[0]
            own[aspect] = subtotal
            sums[aspect] += subtotal
        per_innovation.append(
            {
                "id": innovation.id,
                "name": innovation.name,
                "score": sum(own.values()),
                "aspects": own,
            }
        )
    for code in aspects:
        aspects[code] += sums[code] / divisor
    counted = count_score(model, n, [i.affairs for i in eligible])
    aspects[model.count_aspect] += counted
    total = sum(aspects.values())
    index = round_index(min(max(total / model.max_total * 100, 0.0), 100.0))
    return {
        "rubric": model.rubric_id,
        "year": year,
        "index": index,
        "category": category(model, index),
        "total": round(total, 4),
        "max_total": model.max_total,
        "divisor": divisor,
        "count_score": round(counted, 4),
        "eligible": n,
        "aspects": [
            {"code": code, "name": name, "score": round(aspects[code], 4), "max": top}
            for code, name, top in model.aspects
        ],
        "innovations": per_innovation,
        "ineligible": [
            {"id": i.id, "name": i.name, "reasons": list(i.reasons)}
            for i in innovations
            if i.reasons
        ],
    }


def missing(
    model: Model, region_answers: dict, innovations: list, year: int, limit: int | None = None
) -> list[dict]:
    """Every answer below its top level or without evidence, with the index points that
    raising it to the top level with evidence would add (most first; the first ``limit``
    only if given). ``evidence_points`` is what attaching evidence alone would add."""
    eligible = [i for i in innovations if not i.reasons]
    divisor = max(model.floor_for(year), len(eligible))
    scale = 100.0 / model.max_total
    found = []

    def consider(item, answer, share, innovation):
        level, has_evidence = answer or (0, False)
        now = level if has_evidence else 0
        points = item.weight * (item.top - now) * share * scale
        if points > 0:
            found.append(
                (
                    -points,
                    item.number,
                    innovation.id if innovation else 0,
                    item,
                    level,
                    has_evidence,
                    share,
                    innovation,
                )
            )

    def entry(points, item, level, has_evidence, share, innovation):
        return {
            "innovation": innovation.id if innovation else None,
            "innovation_name": innovation.name if innovation else "",
            "key": item.key,
            "number": item.number,
            "name": item.name,
            "level": level,
            "top": item.top,
            "has_evidence": has_evidence,
            "evidence": item.evidence,
            "points": round(points, 4),
            "evidence_points": round(item.weight * level * share * scale, 4)
            if level and not has_evidence
            else 0.0,
        }

    for item in model.region_items:
        consider(item, region_answers.get(item.key), 1.0, None)
    for innovation in eligible:
        for item in model.innovation_items:
            consider(item, innovation.answers.get(item.key), 1.0 / divisor, innovation)
    found.sort(key=lambda f: f[:3])
    if limit is not None:
        found = found[:limit]
    return [entry(-f[0], *f[3:]) for f in found]


def what_if(
    model: Model, region_answers: dict, innovations: list, year: int, improvements: list
) -> dict:
    """The score after a chosen set of improvements: ``(innovation id or None, key,
    level)``, each with evidence attached."""
    region = dict(region_answers)
    changed = {i.id: dict(i.answers) for i in innovations}
    for innovation_id, key, level in improvements:
        item = model.item(key)
        if item is None:
            continue
        level = max(0, min(int(level), item.top))
        if innovation_id is None and not item.per_innovation:
            region[key] = (level, True)
        elif innovation_id in changed and item.per_innovation:
            changed[innovation_id][key] = (level, True)
    after = [
        InnovationInput(i.id, i.name, changed[i.id], i.affairs, list(i.reasons))
        for i in innovations
    ]
    return score(model, region, after, year)

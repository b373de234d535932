"""Demo units at every stage, some of them late, and the programme's expo with scores.

The real innovations of Purbalingga have all been launched, so on their own every board
would show one column. The units named "(nama demo)" fill the rest of the lab, so that the
coordinator's board, the coach's queue, the leader's dashboard and the assessor's expo show
what a running programme looks like: units still signing their pact, units waiting for a
gate, units in diagnose, innovations in design (their 2022 plan overdue), in deliver and in
display. Everything here is made up and marked: demo units, "[Contoh demo]" texts,
``is_demo`` rows. It is built through the same actions a person uses.
"""

from labinov.accounts.models import User
from labinov.demo.portfolio import DEMO, D
from labinov.innovations import actions as innovation_actions
from labinov.innovations.models import Expo, Innovation
from labinov.innovations.scorecard import scorecard
from labinov.lab import actions
from labinov.lab.models import Enrolment
from labinov.lab.stages import Work, exhibited_keys

TEAM = ("demo-tim-unit-demo", "Akun Demo Tim Unit-Unit Demo")
EXPO_TITLE = "Purbalingga Expo 2022"
#: Innovations the demo assessor leaves unscored, so that the expo shows work still to do.
UNSCORED = 4

#: (demo unit, how far it gets). "signed": pact only; "drum_up_done": drum-up complete and
#: waiting for its gate; "diagnose": a problem listed; "diagnose_done": diagnose complete and
#: waiting for its gate; the innovation stages: an innovation of the unit stops there.
SPREAD = (
    ("Puskesmas Demo 01 (nama demo)", "signed"),
    ("Puskesmas Demo 02 (nama demo)", "signed"),
    ("Puskesmas Demo 03 (nama demo)", "drum_up_done"),
    ("Puskesmas Demo 04 (nama demo)", "drum_up_done"),
    ("Puskesmas Demo 05 (nama demo)", "diagnose"),
    ("Puskesmas Demo 06 (nama demo)", "diagnose"),
    ("Puskesmas Demo 07 (nama demo)", "diagnose_done"),
    ("OPD Demo 01 (nama demo)", "design"),
    ("Puskesmas Demo 08 (nama demo)", "design"),
    ("OPD Demo 02 (nama demo)", "deliver"),
    ("OPD Demo 03 (nama demo)", "display"),
)

PROBLEM = {
    "service": "Layanan contoh unit demo",
    "description": f"{DEMO} Warga menunggu lama dan harus datang beberapa kali ke kantor.",
    "affected": "Warga pengguna layanan (contoh demo)",
    "evidence_text": f"{DEMO} Angka contoh untuk demo, bukan data resmi.",
    "baseline_days": 6,
    "baseline_steps": 5,
    "baseline_cost": 25000,
    "baseline_satisfaction": 60,
    "is_demo": True,
}


def _team_account(system, enrolments) -> User:
    """One demo account on the team of every demo unit that does diagnose work."""
    from labinov.demo.innovations_demo import demo_team_account

    return demo_team_account(system, *TEAM, enrolments)


def _drum_up(enrolment, system, *, complete: bool):
    from labinov.demo.lab_demo import _drum_up

    if not complete:
        if not hasattr(enrolment, "commitment"):
            actions.sign_commitment(
                acting_user=system,
                enrolment=enrolment,
                signer_name=f"{DEMO} Kepala {enrolment.unit.name}"[:200],
                signer_position="Kepala Unit (contoh demo)",
            )
        return
    _drum_up(
        enrolment,
        head=system,
        members=[(f"{TEAM[1]} (ketua)", "ketua")],
        decree=f"{DEMO} SK Tim Inovasi {enrolment.unit.name}"[:200],
        readiness_value=2,
    )


def _diagnose(enrolment, member, *, complete: bool, idea_title: str):
    problem = enrolment.problems.filter(service=PROBLEM["service"]).first()
    if problem is None:
        problem = actions.add_problem(acting_user=member, enrolment=enrolment, **PROBLEM)
    if not complete:
        return problem
    if not problem.causes.exists():
        actions.add_cause(
            acting_user=member,
            problem=problem,
            category="metode",
            text=f"{DEMO} Berkas diperiksa manual dan petugas bekerja sendiri-sendiri",
        )
    if not problem.usg_scores.exists():
        actions.score_usg(acting_user=member, problem=problem, urgency=4, seriousness=4, growth=3)
    if not problem.ideas.exists():
        actions.add_idea(
            acting_user=member,
            problem=problem,
            title=idea_title,
            description=f"{DEMO} Layanan daring dengan petugas jemput bola ke desa.",
            is_demo=True,
            is_new=True,
            benefits=True,
            no_burden=True,
            in_authority=True,
            replicable=True,
        )
    return problem


def _innovation(enrolment, problem, until, *, system, coach):
    from labinov.demo.innovations_demo import _design, _pass_gate, _through

    name = f"{DEMO} Layanan Jemput Bola {enrolment.unit.name.split(' (')[0]}"
    existing = Innovation.objects.filter(enrolment=enrolment, name=name).first()
    if existing is not None:
        return existing
    innovation = innovation_actions.create_innovation(
        acting_user=system, idea=problem.ideas.order_by("id").first(), name=name, is_demo=True
    )
    spec = {
        "affairs": "Pelayanan Umum (contoh demo)",
        "kind": "digital",
        "method": (
            f"{DEMO} Permohonan diterima secara daring dari rumah, kantor desa atau kecamatan. "
            "Petugas memeriksa berkas pada hari yang sama, memberi tahu kekurangan lewat pesan "
            "singkat, lalu datang ke desa sekali sepekan untuk melayani warga yang tidak dapat "
            "mengajukan sendiri, terutama warga lanjut usia dan penyandang disabilitas, sehingga "
            "warga tidak perlu datang berkali-kali ke kantor di pusat kota."
        ),
        "measures": [("days", 2, 3), ("steps", 3, 3), ("cost", 0, 5000)],
        "trial": D(2022, 11, 28),
        "implementation": None,
        # _through stops in design, or in deliver with its trial reported (waiting for the gate).
        "until": "design" if until == "design" else "deliver",
    }
    _design(innovation, spec, system)
    _through(innovation, spec, system, coach)
    if until == "display":  # delivered, not launched yet
        _pass_gate(innovation, coach, "Uji coba terlaksana dan hasil terukur.")
    return innovation


def load_spread_demo(*, system, programme) -> None:
    from labinov.demo.lab_demo import _pass

    coach = User.objects.get(username="demo-coach")
    enrolments = {
        e.unit.name: e
        for e in Enrolment.objects.filter(
            programme=programme, unit__name__in=[name for name, _how in SPREAD]
        ).select_related("unit")
    }
    diagnosing = [
        enrolments[name]
        for name, how in SPREAD
        if name in enrolments and how not in ("signed", "drum_up_done")
    ]
    member = _team_account(system, diagnosing)
    order = ("signed", "drum_up_done", "diagnose", "diagnose_done")
    for name, how in SPREAD:
        enrolment = enrolments.get(name)
        if enrolment is None:
            continue
        if not enrolment.allows(Work.COMMITMENT) and how in order[:2]:
            continue  # already further than the demo takes it
        _drum_up(enrolment, system, complete=how != "signed")
        if how in order[:2]:
            continue
        enrolment.refresh_from_db()
        if enrolment.allows(Work.COMMITMENT):
            _pass(enrolment, coach, "Drum-up lengkap.")
            enrolment.refresh_from_db()
        if not enrolment.allows(Work.PROBLEMS):
            continue  # diagnose already passed on an earlier load
        problem = _diagnose(
            enrolment,
            member,
            complete=how != "diagnose",
            idea_title=f"{DEMO} Layanan jemput bola {enrolment.unit.name.split(' (')[0]}",
        )
        if how in order:
            continue
        _pass(enrolment, coach, "Masalah prioritas, penyebab dan gagasan sudah diuji.")
        problem.refresh_from_db()
        problem.enrolment.refresh_from_db()
        _innovation(enrolment, problem, how, system=system, coach=coach)
    load_expo(system=system, programme=programme)


def load_expo(*, system, programme) -> Expo | None:
    """The programme's expo, scored by the demo assessor for all but a few innovations."""
    expo = Expo.objects.filter(programme=programme, title=EXPO_TITLE).first()
    if expo is not None:
        return expo
    assessor = User.objects.get(username="demo-penilai")
    expo = innovation_actions.create_expo(
        acting_user=system,
        programme=programme,
        title=EXPO_TITLE,
        held_on=D(2022, 12, 15),
        jurors=[assessor],
    )
    card = scorecard(expo.scorecard_version)
    entries = list(
        Innovation.objects.filter(
            enrolment__programme=programme, stage__in=exhibited_keys()
        ).order_by("id")
    )
    for number, innovation in enumerate(entries[: max(len(entries) - UNSCORED, 0)]):
        # Demo scores, spread over the scale's upper half; not a real jury's.
        scores = {
            criterion["key"]: 5 + (number + position) % 5
            for position, criterion in enumerate(card["criteria"])
        }
        innovation_actions.score_innovation(
            acting_user=assessor, expo=expo, innovation=innovation, scores=scores
        )
    return expo

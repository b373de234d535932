"""An innovation's files: photos public once published, the working record's files not."""

import pytest
from django.core.files.base import ContentFile

from labinov.innovations import actions
from labinov.lab import actions as gate_actions
from tests.innovations.conftest import PNG, SYSTEM, fill_display, take_through


def read(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_photo_is_public_after_display_and_not_before(client_for, innovation):
    take_through(innovation, "design", "deliver")
    fill_display(innovation)
    photo = innovation.photos.get()
    url = f"/inovasi/{innovation.pk}/foto/{photo.pk}/"
    assert client_for(None).get(url).status_code == 404
    record = gate_actions.decide_gate(
        acting_user=SYSTEM,
        subject=innovation,
        stage=innovation.stage,
        decision="approved",
        reason="Lengkap.",
    )
    assert record.decision == "approved"
    response = client_for(None).get(url)
    assert response.status_code == 200 and read(response) == PNG
    assert f'src="{url}"' in client_for(None).get(f"/inovasi/{innovation.pk}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("unit_head", 200), ("coach", 200), ("leader", 200), (None, 404)]
)
def test_the_budget_document_belongs_to_the_working_record(
    client_for, people, innovation, role, status
):
    actions.update_innovation(
        acting_user=SYSTEM,
        innovation=innovation,
        budget_file=ContentFile(b"%PDF-1.4 anggaran", name="anggaran.pdf"),
    )
    response = client_for(people[role] if role else None).get(
        f"/inovasi/{innovation.pk}/berkas/anggaran/"
    )
    assert response.status_code == status
    if status == 200:
        assert read(response) == b"%PDF-1.4 anggaran"


@pytest.mark.django_db
def test_another_region_gets_no_budget_document_even_when_published(
    client_for, innovation, outsider
):
    actions.update_innovation(
        acting_user=SYSTEM,
        innovation=innovation,
        budget_file=ContentFile(b"%PDF-1.4 anggaran", name="anggaran.pdf"),
    )
    take_through(innovation, "design", "deliver", "display")
    response = client_for(outsider).get(f"/inovasi/{innovation.pk}/berkas/anggaran/")
    assert response.status_code == 403

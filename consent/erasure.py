"""Erasure steps for what the consent app keeps of her outside the database."""

from __future__ import annotations

from consent.models import CurrentAnswer, DataExport
from consent.services import export_dir
from coproduction.core import erasure


@erasure.step("consent.data_exports", order=erasure.FIND_BY_ADDRESS)
def delete_data_exports(person: erasure.Person) -> None:
    """Delete the files of her downloads; their rows go with her account."""
    for path in (
        DataExport.objects.filter(member_id=person.pk)
        .exclude(path="")
        .values_list("path", flat=True)
    ):
        (export_dir() / path).unlink(missing_ok=True)


@erasure.step("consent.current_answers", order=erasure.FIND_BY_ADDRESS)
def delete_current_answers(person: erasure.Person) -> None:
    """Delete her current answers. They name her by id without a constraint, as the
    ledger does, so deleting her account would leave them; the ledger itself stays, as
    facts about no one."""
    CurrentAnswer.objects.filter(member_id=person.pk).delete()

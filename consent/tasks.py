from celery import shared_task

from consent import services


@shared_task(name=services.BUILD_DATA_EXPORT)
def build_data_export(export_id: int) -> None:
    """Build her download. Safe twice (claimed by status); nothing if she was erased."""
    services.data_export_build(export_id=export_id)


@shared_task
def carry_out_due_erasures() -> int:
    """Erase everyone whose unconfirmed request has stood its time (daily)."""
    return services.erasures_due()


@shared_task
def expire_data_exports() -> int:
    """Delete downloads past their keeping time (hourly)."""
    return services.data_exports_expire()


@shared_task
def tell_members_of_changed_wordings() -> int:
    """Tell members whose answers have a changed wording to read (daily). Safe to run
    twice: each is told once a month at most, by its message's key."""
    return services.wording_changes_notify()

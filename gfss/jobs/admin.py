from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gfss.common.exceptions import ApplicationError
from gfss.jobs.models import BatchRun
from gfss.jobs.services import batchrun_cancel, batchrun_resume
from gfss.org import access
from gfss.org.actors import acting_user


@admin.register(BatchRun)
class BatchRunAdmin(admin.ModelAdmin):
    """Runs are written by the job services only: the admin reads, cancels and resumes."""

    list_display = [
        "id",
        "kind",
        "status",
        "done",
        "total",
        "changed",
        "skipped",
        "errors",
        "started_by",
        "started_at",
        "finished_at",
    ]
    list_filter = ["kind", "status"]
    actions = ["cancel_runs", "resume_runs"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in BatchRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _each(self, request: HttpRequest, queryset: QuerySet[BatchRun], service: Any) -> None:
        for run_id in queryset.values_list("pk", flat=True):
            try:
                service(run_id=run_id, actor=acting_user(request))
            except ApplicationError as error:
                self.message_user(request, f"#{run_id}: {error.message}", messages.WARNING)

    @admin.action(description=_("Cancel the selected runs"), permissions=["manage"])
    def cancel_runs(self, request: HttpRequest, queryset: QuerySet[BatchRun]) -> None:
        self._each(request, queryset, batchrun_cancel)

    @admin.action(description=_("Resume the selected runs"), permissions=["manage"])
    def resume_runs(self, request: HttpRequest, queryset: QuerySet[BatchRun]) -> None:
        self._each(request, queryset, batchrun_resume)

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return access.may(request.user, access.Action.MANAGE_JOBS)

"""Staff pages: the list of runs with live progress, one run, cancel and resume."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gfss.common.exceptions import ApplicationError, NotFoundError
from gfss.jobs.models import BatchRun
from gfss.jobs.selectors import batchrun_get, batchrun_list, batchrun_progress
from gfss.jobs.services import batchrun_cancel, batchrun_resume
from gfss.org.access import Action, Subject
from gfss.org.actors import acting_user
from gfss.org.decorators import may_required, reads_required

PAGE_SIZE = 100


def _run(run_id: int) -> BatchRun:
    try:
        return batchrun_get(run_id=run_id)
    except NotFoundError as error:
        raise Http404(error.message) from error


@reads_required(Subject.JOB)
def run_list(request: HttpRequest) -> HttpResponse:
    runs = batchrun_list(kind=request.GET.get("kind") or None)[:PAGE_SIZE]
    return render(request, "jobs/run_list.html", {"runs": runs})


@reads_required(Subject.JOB)
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    return render(request, "jobs/run_detail.html", {"run": _run(run_id)})


@reads_required(Subject.JOB)
def run_progress(request: HttpRequest, run_id: int) -> JsonResponse:
    return JsonResponse(batchrun_progress(run=_run(run_id)))


@require_POST
@may_required(Action.MANAGE_JOBS)
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        batchrun_cancel(run_id=run_id, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("jobs:run_detail", run_id=run_id)


@require_POST
@may_required(Action.MANAGE_JOBS)
def run_resume(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        batchrun_resume(run_id=run_id, actor=acting_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("jobs:run_detail", run_id=run_id)

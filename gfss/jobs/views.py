"""Staff pages: the list of runs with live progress, one run, cancel and resume."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gfss.common.exceptions import ApplicationError
from gfss.jobs.selectors import batchrun_get, batchrun_list, batchrun_progress
from gfss.jobs.services import batchrun_cancel, batchrun_resume

PAGE_SIZE = 100


@login_required
@permission_required("jobs.view_batchrun", raise_exception=True)
def run_list(request: HttpRequest) -> HttpResponse:
    runs = batchrun_list(kind=request.GET.get("kind") or None)[:PAGE_SIZE]
    return render(request, "jobs/run_list.html", {"runs": runs})


@login_required
@permission_required("jobs.view_batchrun", raise_exception=True)
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    return render(request, "jobs/run_detail.html", {"run": batchrun_get(run_id=run_id)})


@login_required
@permission_required("jobs.view_batchrun", raise_exception=True)
def run_progress(request: HttpRequest, run_id: int) -> JsonResponse:
    return JsonResponse(batchrun_progress(run=batchrun_get(run_id=run_id)))


@require_POST
@login_required
@permission_required("jobs.manage_batchrun", raise_exception=True)
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        batchrun_cancel(run_id=run_id, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("jobs:run_detail", run_id=run_id)


@require_POST
@login_required
@permission_required("jobs.manage_batchrun", raise_exception=True)
def run_resume(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        batchrun_resume(run_id=run_id, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("jobs:run_detail", run_id=run_id)
